/* structures.c - the registry of model structures. Add a structure: one file + one line here. */
#include <string.h>

#include "gabasim/model_file.h"
#include "pk_int.h"

static const struct gs_structure *const all[] = {
    &gs__oral_1cmt_linear,
    &gs__oral_1cmt_mm_absorption,
    NULL,
};

const struct gs_structure *const *gs_model_structure_all(void)
{
    return all;
}

const struct gs_structure *gs_model_structure_find(const char *name)
{
    for (size_t i = 0; all[i]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return gs__model_file_structure_find(name); /* model files plugged in (src/model/) */
}

int gs_model_structure_param_index(const struct gs_structure *s, const char *name)
{
    for (size_t i = 0; i < s->n_params; i++)
        if (strcmp(s->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

double gs_model_conc(const struct gs_model *m, const double *y)
{
    return y[GS_Y_CENTRAL] / m->structure->volume(m->p);
}
