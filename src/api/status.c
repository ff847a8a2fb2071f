/* status.c -- version, status names and messages, record sizes. */
#include <stdint.h>

#include "trident.h"

/* One row per status: the header's enum is the source of the values; this table adds the text.  A test
 * checks both agree (every enum value has its identifier here, via the Python binding's header parse). */
#define TRD__STATUS_TABLE(X)                                                                                   \
    X(TRD_OK, "success")                                                                                         \
    X(TRD_E_INVALID_ARG, "invalid argument")                                                                     \
    X(TRD_E_NOMEM, "out of memory")                                                                              \
    X(TRD_E_STATE, "operation not valid in the current state")                                                   \
    X(TRD_E_NOT_FOUND, "not found")                                                                              \
    X(TRD_E_OUT_OF_RANGE, "value out of range")                                                                  \
    X(TRD_E_BUFFER_TOO_SMALL, "buffer too small")                                                                \
    X(TRD_E_PARSE, "malformed input")                                                                            \
    X(TRD_E_IO, "input/output error")                                                                            \
    X(TRD_E_INVALID_MODEL, "invalid model")                                                                      \
    X(TRD_E_LIMIT, "size limit reached")                                                                         \
    X(TRD_E_SOLVER, "the solver found no plan")                                                                  \
    X(TRD_E_INFEASIBLE, "no feasible plan")                                                                      \
    X(TRD_E_STALE, "stale plan")                                                                                 \
    X(TRD_E_INTERNAL, "internal error")

const char *trd_status_name(trd_status status)
{
    switch (status) {
#define X(code, text)                                                                                            \
    case code:                                                                                                   \
        return #code;
        TRD__STATUS_TABLE(X)
#undef X
    }
    return "TRD_E_UNKNOWN";
}

const char *trd_strerror(trd_status status)
{
    switch (status) {
#define X(code, text)                                                                                            \
    case code:                                                                                                   \
        return text;
        TRD__STATUS_TABLE(X)
#undef X
    }
    return "unknown status code";
}

unsigned trd_version_number(void)
{
    return TRD_VERSION_NUMBER;
}

const char *trd_version_string(void)
{
#define TRD__STR2(x) #x
#define TRD__STR(x) TRD__STR2(x)
    return TRD__STR(TRD_VERSION_MAJOR) "." TRD__STR(TRD_VERSION_MINOR) "." TRD__STR(TRD_VERSION_PATCH);
}

/* The record layouts are part of the ABI: a changed size here is a broken build, not a runtime surprise. */
_Static_assert(sizeof(trd_sample) == 184, "trd_sample layout is frozen at 184 bytes");
_Static_assert(sizeof(trd_ingest_stats) == 40, "trd_ingest_stats layout is frozen at 40 bytes");
_Static_assert(sizeof(trd_estimate) == 40, "trd_estimate layout is frozen at 40 bytes");
_Static_assert(sizeof(trd_observe_stats) == 72, "trd_observe_stats layout is frozen at 72 bytes");
_Static_assert(sizeof(trd_rate) == 32, "trd_rate layout is frozen at 32 bytes");
_Static_assert(sizeof(trd_action) == 32, "trd_action layout is frozen at 32 bytes");
_Static_assert(sizeof(trd_target) == 24, "trd_target layout is frozen at 24 bytes");
_Static_assert(sizeof(trd_event) == 64, "trd_event layout is frozen at 64 bytes");
_Static_assert(sizeof(trd_step_info) == 64, "trd_step_info layout is frozen at 64 bytes");
_Static_assert(sizeof(trd_loop_op_info) == 56, "trd_loop_op_info layout is frozen at 56 bytes");
_Static_assert(sizeof(trd_adapt_info) == 56, "trd_adapt_info layout is frozen at 56 bytes");
_Static_assert(sizeof(trd_regime_info) == 104, "trd_regime_info layout is frozen at 104 bytes");

size_t trd_record_size(trd_record record)
{
    switch (record) {
    case TRD_RECORD_ALLOCATOR: return sizeof(trd_allocator);
    case TRD_RECORD_SAMPLE: return sizeof(trd_sample);
    case TRD_RECORD_INGEST_STATS: return sizeof(trd_ingest_stats);
    case TRD_RECORD_ESTIMATE: return sizeof(trd_estimate);
    case TRD_RECORD_OBSERVE_STATS: return sizeof(trd_observe_stats);
    case TRD_RECORD_RATE: return sizeof(trd_rate);
    case TRD_RECORD_ACTION: return sizeof(trd_action);
    case TRD_RECORD_TARGET: return sizeof(trd_target);
    case TRD_RECORD_EVENT: return sizeof(trd_event);
    case TRD_RECORD_STEP_INFO: return sizeof(trd_step_info);
    case TRD_RECORD_LOOP_OP_INFO: return sizeof(trd_loop_op_info);
    case TRD_RECORD_ADAPT_INFO: return sizeof(trd_adapt_info);
    case TRD_RECORD_REGIME_INFO: return sizeof(trd_regime_info);
    }
    return 0;
}
