/* model_attrs.c -- the attribute tables: one row per node or operator attribute with its YAML key, unit,
 * range and default.  The setters, the YAML loader and the JSON writer all read these rows, so an attribute
 * is added in exactly one place. */
#include <string.h>

#include "model/model.h"

/* 2^53: integral attributes stay exact in a double; byte and rate limits sit far above any real machine. */
#define BIG 9007199254740992.0

static const trd__attr_desc node_attrs[TRD__NODE_ATTRS] = {
    {TRD_NODE_COUNT, "count", TRD__UNIT_NUMBER, 1, 0, 0, 65536, 1},
    {TRD_NODE_CPUS, "cpus", TRD__UNIT_NUMBER, 0, 0, 0, 1e6, 0},
    {TRD_NODE_MEMORY_BYTES, "memory", TRD__UNIT_BYTES, 0, 0, 0, BIG, 0},
    {TRD_NODE_GPUS, "gpus", TRD__UNIT_NUMBER, 1, 0, 0, 1024, 0},
    {TRD_NODE_GPU_MEMORY_BYTES, "gpu_memory", TRD__UNIT_BYTES, 0, 0, 0, BIG, 0},
    {TRD_NODE_NIC_BYTES_PER_S, "nic", TRD__UNIT_RATE, 0, 0, 0, BIG, 0},
};

static const trd__attr_desc op_attrs[TRD__OP_ATTRS] = {
    {TRD_OP_CPUS, "cpus", TRD__UNIT_NUMBER, 0, 0, 0, 1e6, 1},
    {TRD_OP_MEMORY_BYTES, "memory", TRD__UNIT_BYTES, 0, 0, 0, BIG, 0},
    {TRD_OP_GPUS, "gpus", TRD__UNIT_NUMBER, 0, 0, 0, 1024, 0},
    {TRD_OP_GPU_MEMORY_BYTES, "gpu_memory", TRD__UNIT_BYTES, 0, 0, 0, BIG, 0},
    {TRD_OP_MIN_INSTANCES, "min_instances", TRD__UNIT_NUMBER, 1, 0, 0, 1e6, 1},
    {TRD_OP_MAX_INSTANCES, "max_instances", TRD__UNIT_NUMBER, 1, 0, 0, 1e6, 0},
    {TRD_OP_ASYNC, "async", TRD__UNIT_BOOL, 1, 0, 0, 1, 0},
    {TRD_OP_OUTPUT_BYTES_PER_ITEM, "output_bytes_per_item", TRD__UNIT_BYTES, 0, 0, 0, BIG, 0},
    {TRD_OP_ITEMS_OUT_PER_IN, "items_out_per_in", TRD__UNIT_NUMBER, 0, 0, 0, 1e9, 1},
    {TRD_OP_START_S, "start_time", TRD__UNIT_SECONDS, 0, 1, 0, 1e7, TRD_UNKNOWN},
    {TRD_OP_STOP_S, "stop_time", TRD__UNIT_SECONDS, 0, 1, 0, 1e7, TRD_UNKNOWN},
    {TRD_OP_COLD_START_S, "cold_start", TRD__UNIT_SECONDS, 0, 1, 0, 1e7, TRD_UNKNOWN},
};

const trd__attr_desc *trd__node_attr_desc(uint32_t attr)
{
    return attr >= 1 && attr <= TRD__NODE_ATTRS ? &node_attrs[attr - 1] : NULL;
}

const trd__attr_desc *trd__op_attr_desc(uint32_t attr)
{
    return attr >= 1 && attr <= TRD__OP_ATTRS ? &op_attrs[attr - 1] : NULL;
}

static const trd__attr_desc *by_key(const trd__attr_desc *table, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].key, key) == 0)
            return &table[i];
    return NULL;
}

const trd__attr_desc *trd__node_attr_by_key(const char *key)
{
    return by_key(node_attrs, TRD__NODE_ATTRS, key);
}

const trd__attr_desc *trd__op_attr_by_key(const char *key)
{
    return by_key(op_attrs, TRD__OP_ATTRS, key);
}
