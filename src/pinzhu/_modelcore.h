/* The polyphone model's scorer as other C code calls it (pinzhu._segcore's one-call read).
 *
 * pinzhu._modelcore exports a capsule named PINZHU_MODEL_API_NAME holding this struct:
 *   slots(scorer): reading slots of a _modelcore.Scorer, or -1 if the object is not one;
 *   score(scorer, cps, n, positions, hints, m, out_z, out_ci): what Scorer.scores computes,
 *     without the GIL's help (no Python objects touched), for m positions of n code points;
 *     out_z float32[m * slots], out_ci int32[m];
 *   score_spans(scorer, cps, lo, hi, positions, hints, m, out_z, out_ci): the same for positions
 *     of many texts laid end to end: position j is positions[j] of the text cps[lo[j] .. hi[j])
 *     (positions count from cps), scored as score() scores it in that text alone.
 */
#ifndef PINZHU_MODELCORE_H
#define PINZHU_MODELCORE_H

#include <Python.h>
#include <stdint.h>

#define PINZHU_MODEL_API_NAME "pinzhu._modelcore._API"
#define PINZHU_MODEL_API_VERSION 2

typedef struct {
    int version;
    int (*slots)(PyObject *scorer);
    void (*score)(PyObject *scorer, const uint32_t *cps, Py_ssize_t n, const int64_t *pos,
                  const int64_t *hints, Py_ssize_t m, float *out_z, int32_t *out_ci);
    void (*score_spans)(PyObject *scorer, const uint32_t *cps, const int64_t *lo, const int64_t *hi,
                        const int64_t *pos, const int64_t *hints, Py_ssize_t m, float *out_z, int32_t *out_ci);
} PinzhuModelAPI;

#endif
