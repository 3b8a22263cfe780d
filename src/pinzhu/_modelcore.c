/* pinzhu._modelcore: the polyphone model's scores for a few positions, in C.
 *
 * The same arithmetic as PolyphoneModel's numpy path (pinzhu/model.py: _rows, dense_features,
 * logits), which stays as the fallback where no compiler was available and which the tests
 * compare this with. Why C: one sentence asks the model at one or two positions, where numpy's
 * per-call cost (~40 numpy calls, ~40 µs) is all there is; here it is a few hundred ns per
 * position. Whole documents gain little (numpy was already batched over their positions).
 *
 * scores(cps, positions, hints, fold, offs, cols, seeds, salt, W, mask, rowmap,
 *        emb_index, emb, V, flat, avg, out_z, out_ci, span, bits, slots, dim, scale)
 *   cps uint32[n] raw code points; positions int64[m]; hints int64[m] (hint slot per position);
 *   fold uint64[65536] (digits, Latin and punctuation folded, as model._FOLD);
 *   offs int64[no], cols int64[F*K], seeds uint64[F], salt uint64[no+2]: model._plan;
 *   W int8[2**bits * slots], mask float32[C * slots] (validity + prior), rowmap int32[65537];
 *   dense (empty buffers for none): emb_index int32[65537], emb float32[(E+1) * dim] (last row
 *   zeros), V float32[C * G*dim * slots], flat int64[Fd], avg float32[G * Fd];
 *   out_z float32[m * slots] (written), out_ci int32[m] (written: classifier row, -1 for none).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define PAD_BOS 1ULL
#define PAD_EOS 2ULL
#define MUL 0x9E3779B97F4A7C15ULL
#define MUL2 0xBF58476D1CE4E5B9ULL
#define NBUF 18
#define MAX_COLS 64
#define MAX_DENSE 4096
#define MAX_SLOTS 64

static inline uint64_t folded(const uint32_t *cps, Py_ssize_t n, Py_ssize_t i, const uint64_t *fold) {
    if (i < 0) return PAD_BOS;
    if (i >= n) return PAD_EOS;
    uint32_t c = cps[i];
    return c < 0x10000 ? fold[c] : (uint64_t)c;
}

static PyObject *model_scores(PyObject *mod, PyObject *args) {
    Py_buffer b[NBUF];
    int span, bits, slots, dim;
    double scale;
    memset(b, 0, sizeof b);
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*y*y*y*y*y*y*y*y*w*w*iiiid",
                          &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8], &b[9], &b[10],
                          &b[11], &b[12], &b[13], &b[14], &b[15], &b[16], &b[17],
                          &span, &bits, &slots, &dim, &scale))
        return NULL;
    PyObject *result = NULL;
    const uint32_t *cps = b[0].buf;
    const int64_t *pos = b[1].buf, *hints = b[2].buf, *offs = b[4].buf, *cols = b[5].buf, *flat = b[14].buf;
    const uint64_t *fold = b[3].buf, *seeds = b[6].buf, *salt = b[7].buf;
    const int8_t *W = b[8].buf;
    const float *mask = b[9].buf, *emb = b[12].buf, *V = b[13].buf, *avg = b[15].buf;
    const int32_t *rowmap = b[10].buf, *eidx = b[11].buf;
    float *out_z = b[16].buf;
    int32_t *out_ci = b[17].buf;
    Py_ssize_t n = b[0].len / 4, m = b[1].len / 8, no = b[4].len / 8, F = b[6].len / 8;
    Py_ssize_t K = F ? b[5].len / 8 / F : 0, Fd = b[14].len / 8, G = Fd ? b[15].len / 4 / Fd : 0;
    Py_ssize_t C = slots ? b[9].len / 4 / slots : 0, GD = G * dim;
    int dense = Fd > 0;
    if (b[2].len != m * 8 || b[3].len != 0x10000 * 8 || b[7].len != (no + 2) * 8 || b[5].len != F * K * 8
        || no + 2 > MAX_COLS || b[8].len != ((Py_ssize_t)1 << bits) * slots || b[10].len != 0x10001 * 4
        || b[16].len != m * slots * 4 || b[17].len != m * 4 || slots < 1 || slots > MAX_SLOTS || bits < 1 || bits > 32) {
        PyErr_SetString(PyExc_ValueError, "scores: buffer sizes do not match the model");
        goto done;
    }
    if (dense && (b[11].len != 0x10001 * 4 || b[13].len != C * GD * slots * 4 || GD > MAX_DENSE
                  || b[15].len != G * Fd * 4 || dim < 1 || b[12].len % (dim * 4) != 0)) {
        PyErr_SetString(PyExc_ValueError, "scores: dense buffer sizes do not match the model");
        goto done;
    }
    Py_ssize_t zero_row = dense ? b[12].len / 4 / dim - 1 : 0;
    Py_BEGIN_ALLOW_THREADS
    uint64_t v[MAX_COLS];
    float X[MAX_DENSE];
    for (Py_ssize_t j = 0; j < m; j++) {
        Py_ssize_t p = pos[j];
        uint64_t c0 = folded(cps, n, p, fold);
        int32_t ci = rowmap[c0 < 0x10000 ? c0 : 0x10000];
        out_ci[j] = ci;
        Py_ssize_t cr = ci < 0 ? 0 : ci;
        /* sparse part: every template hashed with the target, one int8 row each */
        for (Py_ssize_t k = 0; k < no; k++) v[k] = folded(cps, n, p + offs[k], fold) + salt[k];
        v[no] = (uint64_t)hints[j] + salt[no];
        v[no + 1] = salt[no + 1];
        int32_t acc[MAX_SLOTS];
        for (int s = 0; s < slots; s++) acc[s] = 0;
        uint64_t h0 = (c0 + 0x1000ULL) * MUL;
        for (Py_ssize_t f = 0; f < F; f++) {
            uint64_t h = h0 ^ seeds[f];
            for (Py_ssize_t k = 0; k < K; k++) { h ^= v[cols[f * K + k]]; h *= MUL; }
            h ^= h >> 31;
            h *= MUL2;
            const int8_t *w = W + (h >> (64 - bits)) * (uint64_t)slots;
            for (int s = 0; s < slots; s++) acc[s] += w[s];
        }
        float *z = out_z + j * slots;
        const float *mk = mask + cr * slots;
        for (int s = 0; s < slots; s++) z[s] = (float)acc[s] * (float)scale + mk[s];
        if (!dense) continue;
        /* dense part: embeddings at the offsets, averaged per group, times the char's weights */
        for (Py_ssize_t d = 0; d < GD; d++) X[d] = 0.0f;
        for (Py_ssize_t q = 0; q < Fd; q++) {
            Py_ssize_t at = p + flat[q];
            Py_ssize_t row = zero_row;
            if (at >= 0 && at < n) {
                uint64_t c = folded(cps, n, at, fold);
                if (c < 0x10000) row = eidx[c];
            }
            const float *e = emb + row * dim;
            for (Py_ssize_t g = 0; g < G; g++) {
                float a = avg[g * Fd + q];
                if (a == 0.0f) continue;
                float *x = X + g * dim;
                for (int d = 0; d < dim; d++) x[d] += a * e[d];
            }
        }
        const float *Vc = V + cr * GD * slots;
        for (Py_ssize_t d = 0; d < GD; d++) {
            float x = X[d];
            const float *vr = Vc + d * slots;
            for (int s = 0; s < slots; s++) z[s] += x * vr[s];
        }
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    for (int k = 0; k < NBUF; k++) PyBuffer_Release(&b[k]);
    return result;
}

static PyMethodDef module_methods[] = {
    {"scores", model_scores, METH_VARARGS, "The model's logits at the given positions (see the file header)."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "pinzhu._modelcore", "Polyphone model scores.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__modelcore(void) { return PyModule_Create(&moduledef); }
