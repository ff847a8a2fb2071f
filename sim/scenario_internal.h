/* scenario_internal.h -- the pieces of the scenario loader, one file each. */
#ifndef SIM_SCENARIO_INTERNAL_H
#define SIM_SCENARIO_INTERNAL_H

#include "scenario.h"
#include "yaml_read.h"

/* scenario_model.c: cluster, operators, knobs, configs and edges from the committed libtrident model. */
sim_status sim_read_model(sim_scenario *sc, sim_error *err);
/* scenario_workload.c */
sim_status sim_read_workload(const sim_yreader *r, sim_scenario *sc, const sim_ynode *workload);
/* The workload feature an operator's name `name` refers to: "op.name" if the workload defines it, else "name";
 * SIM_NO_FEATURE if neither. */
uint32_t sim_scenario_feature(const sim_scenario *sc, const char *op, const char *name);
/* scenario_ops.c: `simulation.operators`. */
sim_status sim_read_operators(const sim_yreader *r, sim_scenario *sc, const sim_ynode *ops);

#endif
