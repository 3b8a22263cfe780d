/* pinzhu._modelcore: the polyphone model's scores for a few positions, in C.
 *
 * The same arithmetic as PolyphoneModel's numpy path (pinzhu/model.py: _rows, dense_features,
 * logits), which stays as the fallback where no compiler was available and which the tests
 * compare this with. Why C: one sentence asks the model at one or two positions, where numpy's
 * per-call cost (~40 numpy calls, ~40 µs) is all there is; here it is a few hundred ns per
 * position. Whole documents gain little (numpy was already batched over their positions).
 *
 * scores(cps, positions, hints, fold, offs, cols, seeds, salt, W, mask, rowmap,
 *        emb_index, emb, V, flat, avg, out_z, out_ci, span, bits, slots, dim, scale, clause)
 *   cps uint32[n] raw code points; positions int64[m]; hints int64[m] (hint slot per position);
 *   fold uint64[65536] (digits, Latin and punctuation folded, as model._FOLD);
 *   offs int64[no], cols int64[F*K], seeds uint64[F], salt uint64[no+2]: model._plan;
 *   W int8[2**bits * slots], mask float32[C * slots] (validity + prior), rowmap int32[65537];
 *   dense (empty buffers for none): emb_index int32[65537], emb float32[(E+1) * dim] (last row
 *   zeros), V float32[C * G*dim * slots], flat int64[Fd], avg float32[G * Fd];
 *   out_z float32[m * slots] (written), out_ci int32[m] (written: classifier row, -1 for none).
 *   clause: 1 where the model has clause features (model.clause_rows), else 0.
 *
 * Scorer(fold, offs, ..., avg, span, bits, slots, dim, scale, clause): the model's arrays checked and
 * held once; Scorer.scores(cps, positions, hints, out_z, out_ci) is scores() without parsing
 * the 13 model buffers on every call. The capsule _modelcore._API (see _modelcore.h) lets the
 * segmentation core (_segcore.c) score a Scorer's positions from C, in the same call that
 * segments the text: one C call per text.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_modelcore.h"

#define PAD_BOS 1ULL
#define PAD_EOS 2ULL
#define MUL 0x9E3779B97F4A7C15ULL
#define MUL2 0xBF58476D1CE4E5B9ULL
#define NMODEL 13
#define MAX_COLS 64
#define MAX_DENSE 4096
#define MAX_SLOTS 64
#define MAX_FEATURES 1024
#define MAX_FD 512
#define MAX_NZ 1024

/* Four floats, one operation on all (GCC and clang vector extensions): each lane is computed
 * as the scalar code would, so results are the same bit for bit. */
typedef float v4f __attribute__((vector_size(16)));

/* The model's arrays and sizes, as the scoring loop reads them. */
typedef struct {
    const uint64_t *fold, *seeds, *salt;
    const int64_t *offs, *cols, *flat;
    const int8_t *W;
    const float *mask, *emb, *V, *avg;
    const int32_t *rowmap, *eidx;
    Py_ssize_t no, F, K, Fd, G, C, GD, zero_row;
    int span, bits, slots, dim, dense, clause;
    float scale;
    /* the averaging matrix's nonzero entries, by offset q: nz_start[q] .. nz_start[q + 1] */
    int nz_ok;
    int16_t nz_start[MAX_FD + 1], nz_g[MAX_NZ];
    float nz_a[MAX_NZ];
} Model;

static inline uint64_t folded(const uint32_t *cps, Py_ssize_t n, Py_ssize_t i, const uint64_t *fold) {
    if (i < 0) return PAD_BOS;
    if (i >= n) return PAD_EOS;
    uint32_t c = cps[i];
    return c < 0x10000 ? fold[c] : (uint64_t)c;
}

/* b[0..12]: the model buffers in scores()' order (fold .. avg). 0 or -1 with an exception set. */
static int model_from(Model *md, Py_buffer *b, int span, int bits, int slots, int dim, double scale, int clause) {
    memset(md, 0, sizeof *md);
    md->fold = b[0].buf; md->offs = b[1].buf; md->cols = b[2].buf; md->seeds = b[3].buf; md->salt = b[4].buf;
    md->W = b[5].buf; md->mask = b[6].buf; md->rowmap = b[7].buf; md->eidx = b[8].buf; md->emb = b[9].buf;
    md->V = b[10].buf; md->flat = b[11].buf; md->avg = b[12].buf;
    md->no = b[1].len / 8; md->F = b[3].len / 8;
    md->K = md->F ? b[2].len / 8 / md->F : 0;
    md->Fd = b[11].len / 8;
    md->G = md->Fd ? b[12].len / 4 / md->Fd : 0;
    md->C = slots ? b[6].len / 4 / slots : 0;
    md->GD = md->G * dim;
    md->dense = md->Fd > 0;
    md->span = span; md->bits = bits; md->slots = slots; md->dim = dim; md->scale = (float)scale;
    md->clause = clause != 0;
    if (b[0].len != 0x10000 * 8 || b[4].len != (md->no + 2) * 8 || b[2].len != md->F * md->K * 8
        || md->no + 2 > MAX_COLS || md->F > MAX_FEATURES || slots < 1 || slots > MAX_SLOTS || bits < 1 || bits > 32
        || b[5].len != ((Py_ssize_t)1 << bits) * slots || b[7].len != 0x10001 * 4) {
        PyErr_SetString(PyExc_ValueError, "scores: buffer sizes do not match the model");
        return -1;
    }
    if (md->dense && (b[8].len != 0x10001 * 4 || b[10].len != md->C * md->GD * slots * 4 || md->GD > MAX_DENSE
                      || b[12].len != md->G * md->Fd * 4 || dim < 1 || b[9].len % (dim * 4) != 0)) {
        PyErr_SetString(PyExc_ValueError, "scores: dense buffer sizes do not match the model");
        return -1;
    }
    md->zero_row = md->dense ? b[9].len / 4 / dim - 1 : 0;
    md->nz_ok = md->dense && md->Fd <= MAX_FD && md->G < 32768;
    int k = 0;
    for (Py_ssize_t q = 0; md->nz_ok && q < md->Fd; q++) {
        md->nz_start[q] = (int16_t)k;
        for (Py_ssize_t g = 0; g < md->G; g++) {
            float a = md->avg[g * md->Fd + q];
            if (a == 0.0f) continue;
            if (k == MAX_NZ) { md->nz_ok = 0; break; }
            md->nz_g[k] = (int16_t)g;
            md->nz_a[k++] = a;
        }
    }
    if (md->nz_ok) md->nz_start[md->Fd] = (int16_t)k;
    return 0;
}

/* Clause features (model.clause_rows: the same hashes): the target's clause, read to the next
 * stop (sentence or pause mark, quote or bracket, space, padding) at most CLAUSE_MAX characters
 * each way: its last character, last two, length, first two, start offset, the mark that ends it,
 * and a bag of the characters from CLAUSE_BAG_FROM to its end. Writes W row offsets; returns how many. */
#define CLAUSE_MAX 24
#define CLAUSE_BAG_FROM 4
#define CLAUSE_NONE 3ULL

static inline int is_stop(uint64_t c) {
    return c == 0x3002 || c == 0xFF0C || c == 0x201C || c == 0x201D || c == 0x20 || c == 0x3000
        || c == PAD_BOS || c == PAD_EOS;
}

static inline uint64_t clause_hash(uint64_t h0, int t, uint64_t a, uint64_t b, int shift) {
    uint64_t h = h0 ^ ((uint64_t)(2001 + t) * 0x51ED27ULL * MUL2);
    h = (h ^ (a + 0x9000000ULL)) * MUL;
    h = (h ^ (b + 0xA000000ULL)) * MUL;
    h ^= h >> 31;
    h *= MUL2;
    return h >> shift;
}

static int clause_rows(const uint32_t *cps, Py_ssize_t n, Py_ssize_t p, uint64_t h0, const uint64_t *fold,
                       int shift, uint64_t slots, uint64_t *rows) {
    Py_ssize_t e = p + 1, s = p - 1;
    while (e <= p + CLAUSE_MAX && !is_stop(folded(cps, n, e, fold))) e++;
    while (s >= p - CLAUSE_MAX && !is_stop(folded(cps, n, s, fold))) s--;
    s++;
    uint64_t e1 = e - 1 > p ? folded(cps, n, e - 1, fold) : CLAUSE_NONE;
    uint64_t e2 = e - 2 > p ? folded(cps, n, e - 2, fold) : CLAUSE_NONE;
    uint64_t s1 = s < p ? folded(cps, n, s, fold) : CLAUSE_NONE;
    uint64_t s2 = s + 1 < p ? folded(cps, n, s + 1, fold) : CLAUSE_NONE;
    int k = 0;
    rows[k++] = clause_hash(h0, 0, e1, 0, shift) * slots;
    rows[k++] = clause_hash(h0, 1, e2, e1, shift) * slots;
    rows[k++] = clause_hash(h0, 2, (uint64_t)(e - p - 1), 0, shift) * slots;
    rows[k++] = clause_hash(h0, 3, s1, s2, shift) * slots;
    rows[k++] = clause_hash(h0, 4, (uint64_t)(p - s), 0, shift) * slots;
    rows[k++] = clause_hash(h0, 5, folded(cps, n, e, fold), 0, shift) * slots;
    for (Py_ssize_t q = p + CLAUSE_BAG_FROM; q < e; q++)
        rows[k++] = clause_hash(h0, 6, folded(cps, n, q, fold), 0, shift) * slots;
    return k;
}

/* Positions scored together (score): each one's sums run exactly as alone, but the group's
 * rows are all hashed and asked for before any is summed, and the dense part's long chains of
 * additions (one per position, each waiting on the one before) run side by side. */
#define GROUP 4

/* The logits of m positions. Position j is pos[j] of the text cps[lo[j] .. hi[j]) (pos counts
 * from cps), or with lo NULL, of cps[0 .. n). Needs no Python state (runs without the GIL). */
static void score(const Model *md, const uint32_t *cps, Py_ssize_t n, const int64_t *lo, const int64_t *hi,
                  const int64_t *pos, const int64_t *hints, Py_ssize_t m, float *out_z, int32_t *out_ci) {
    const Py_ssize_t no = md->no, F = md->F, K = md->K, Fd = md->Fd, G = md->G, GD = md->GD;
    const int slots = md->slots, dim = md->dim, shift = 64 - md->bits;
    const uint64_t *fold = md->fold, *salt = md->salt, *seeds = md->seeds;
    const int64_t *cols = md->cols;
    const int group = md->dense && GD * GROUP > MAX_DENSE ? 1 : GROUP;
    uint64_t v[MAX_COLS];
    uint64_t rows[GROUP][MAX_FEATURES + CLAUSE_MAX + 8];
    Py_ssize_t nf[GROUP], crs[GROUP];
    float X[MAX_DENSE];
    for (Py_ssize_t j0 = 0; j0 < m; j0 += group) {
        const int gm = m - j0 < group ? (int)(m - j0) : group;
        /* the group's rows hashed and asked for, and its dense reads */
        for (int g = 0; g < gm; g++) {
            Py_ssize_t j = j0 + g;
            const uint32_t *t = lo ? cps + lo[j] : cps;
            Py_ssize_t tn = lo ? hi[j] - lo[j] : n, p = lo ? pos[j] - lo[j] : pos[j];
            uint64_t c0 = folded(t, tn, p, fold);
            int32_t ci = md->rowmap[c0 < 0x10000 ? c0 : 0x10000];
            out_ci[j] = ci;
            Py_ssize_t cr = ci < 0 ? 0 : ci;
            crs[g] = cr;
            /* The dense part's reads (the embedding rows at the offsets, the start of the
             * character's block of V) asked for now, so they arrive while the sparse part waits
             * for its rows; the rest of V streams in behind its start. */
            if (md->dense) {
                for (Py_ssize_t q = 0; q < Fd; q++) {
                    Py_ssize_t at = p + md->flat[q];
                    if (at >= 0 && at < tn) {
                        uint64_t c = folded(t, tn, at, fold);
                        if (c < 0x10000) __builtin_prefetch(md->emb + (Py_ssize_t)md->eidx[c] * dim);
                    }
                }
                const char *vb = (const char *)(md->V + cr * GD * slots);
                for (int l = 0; l < 4; l++) __builtin_prefetch(vb + 64 * l);
            }
            /* sparse part: every template hashed with the target, one int8 row each. The rows
             * are hashed first and fetched after, so the table's cache misses overlap (an int
             * sum: the order does not change it). */
            for (Py_ssize_t k = 0; k < no; k++) v[k] = folded(t, tn, p + md->offs[k], fold) + salt[k];
            v[no] = (uint64_t)hints[j] + salt[no];
            v[no + 1] = salt[no + 1];
            uint64_t h0 = (c0 + 0x1000ULL) * MUL;
            uint64_t *r = rows[g];
            for (Py_ssize_t f = 0; f < F; f++) {
                uint64_t h = h0 ^ seeds[f];
                for (Py_ssize_t k = 0; k < K; k++) { h ^= v[cols[f * K + k]]; h *= MUL; }
                h ^= h >> 31;
                h *= MUL2;
                r[f] = (h >> shift) * (uint64_t)slots;
                __builtin_prefetch(md->W + r[f]);
            }
            nf[g] = F;
            if (md->clause) {
                nf[g] += clause_rows(t, tn, p, h0, fold, shift, (uint64_t)slots, r + F);
                for (Py_ssize_t f = F; f < nf[g]; f++) __builtin_prefetch(md->W + r[f]);
            }
        }
        /* each position's sparse sum, then its dense features */
        for (int g = 0; g < gm; g++) {
            Py_ssize_t j = j0 + g;
            const uint32_t *t = lo ? cps + lo[j] : cps;
            Py_ssize_t tn = lo ? hi[j] - lo[j] : n, p = lo ? pos[j] - lo[j] : pos[j];
            int32_t acc[MAX_SLOTS];
            for (int s = 0; s < slots; s++) acc[s] = 0;
            for (Py_ssize_t f = 0; f < nf[g]; f++) {
                const int8_t *w = md->W + rows[g][f];
                for (int s = 0; s < slots; s++) acc[s] += w[s];
            }
            float *z = out_z + j * slots;
            const float *mk = md->mask + crs[g] * slots;
            for (int s = 0; s < slots; s++) z[s] = (float)acc[s] * md->scale + mk[s];
            if (!md->dense) continue;
            /* dense part: embeddings at the offsets, averaged per group, times the char's weights */
            float *Xg = X + g * GD;
            for (Py_ssize_t d = 0; d < GD; d++) Xg[d] = 0.0f;
            for (Py_ssize_t q = 0; q < Fd; q++) {
                Py_ssize_t at = p + md->flat[q];
                Py_ssize_t row = md->zero_row;
                if (at >= 0 && at < tn) {
                    uint64_t c = folded(t, tn, at, fold);
                    if (c < 0x10000) row = md->eidx[c];
                }
                const float *e = md->emb + row * dim;
                if (md->nz_ok) {   /* the groups this offset feeds, found once (model_from) */
                    for (int k = md->nz_start[q]; k < md->nz_start[q + 1]; k++) {
                        float a = md->nz_a[k];
                        float *x = Xg + md->nz_g[k] * dim;
                        if (dim % 4 == 0) {   /* one lane per dimension: the scalar sums, four at a time */
                            v4f av = {a, a, a, a}, xv, ev;
                            for (int d = 0; d < dim; d += 4) {
                                memcpy(&xv, x + d, sizeof xv);
                                memcpy(&ev, e + d, sizeof ev);
                                xv += av * ev;
                                memcpy(x + d, &xv, sizeof xv);
                            }
                        } else {
                            for (int d = 0; d < dim; d++) x[d] += a * e[d];
                        }
                    }
                    continue;
                }
                for (Py_ssize_t gg = 0; gg < G; gg++) {
                    float a = md->avg[gg * Fd + q];
                    if (a == 0.0f) continue;
                    float *x = Xg + gg * dim;
                    for (int d = 0; d < dim; d++) x[d] += a * e[d];
                }
            }
        }
        if (!md->dense) continue;
        /* z += X · V[char]: per position the same sums in the same order, the group's side by side */
        if (slots == 4 && gm == 4) {   /* what ships: one lane per slot, four positions at once */
            v4f a0, a1, a2, a3, r0, r1, r2, r3;
            float *z0 = out_z + j0 * 4;
            const float *V0 = md->V + crs[0] * GD * 4, *V1 = md->V + crs[1] * GD * 4;
            const float *V2 = md->V + crs[2] * GD * 4, *V3 = md->V + crs[3] * GD * 4;
            const float *X0 = X, *X1 = X + GD, *X2 = X + 2 * GD, *X3 = X + 3 * GD;
            memcpy(&a0, z0, 16); memcpy(&a1, z0 + 4, 16); memcpy(&a2, z0 + 8, 16); memcpy(&a3, z0 + 12, 16);
            for (Py_ssize_t d = 0; d < GD; d++) {
                memcpy(&r0, V0 + d * 4, 16); memcpy(&r1, V1 + d * 4, 16);
                memcpy(&r2, V2 + d * 4, 16); memcpy(&r3, V3 + d * 4, 16);
                a0 += X0[d] * r0; a1 += X1[d] * r1; a2 += X2[d] * r2; a3 += X3[d] * r3;
            }
            memcpy(z0, &a0, 16); memcpy(z0 + 4, &a1, 16); memcpy(z0 + 8, &a2, 16); memcpy(z0 + 12, &a3, 16);
            continue;
        }
        for (int g = 0; g < gm; g++) {
            float *z = out_z + (j0 + g) * slots;
            const float *Vc = md->V + crs[g] * GD * slots, *Xg = X + g * GD;
            if (slots == 4) {
                v4f acc4, vr;
                memcpy(&acc4, z, sizeof acc4);
                for (Py_ssize_t d = 0; d < GD; d++) {
                    memcpy(&vr, Vc + d * 4, sizeof vr);
                    acc4 += Xg[d] * vr;
                }
                memcpy(z, &acc4, sizeof acc4);
                continue;
            }
            for (Py_ssize_t d = 0; d < GD; d++) {
                float x = Xg[d];
                const float *vr = Vc + d * slots;
                for (int s = 0; s < slots; s++) z[s] += x * vr[s];
            }
        }
    }
}

static int check_call(Py_buffer *c, const Model *md, Py_ssize_t *n, Py_ssize_t *m) {
    /* c: cps, positions, hints, out_z, out_ci */
    *n = c[0].len / 4;
    *m = c[1].len / 8;
    if (c[2].len != *m * 8 || c[3].len != *m * md->slots * 4 || c[4].len != *m * 4) {
        PyErr_SetString(PyExc_ValueError, "scores: buffer sizes do not match the model");
        return -1;
    }
    return 0;
}

static PyObject *model_scores(PyObject *mod, PyObject *args) {
    Py_buffer b[NMODEL], c[5];
    int span, bits, slots, dim, clause;
    double scale;
    Model md;
    memset(b, 0, sizeof b);
    memset(c, 0, sizeof c);
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*y*y*y*y*y*y*y*y*w*w*iiiidi",
                          &c[0], &c[1], &c[2], &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7],
                          &b[8], &b[9], &b[10], &b[11], &b[12], &c[3], &c[4],
                          &span, &bits, &slots, &dim, &scale, &clause))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n, m;
    if (model_from(&md, b, span, bits, slots, dim, scale, clause) < 0 || check_call(c, &md, &n, &m) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    score(&md, c[0].buf, n, NULL, NULL, c[1].buf, c[2].buf, m, c[3].buf, c[4].buf);
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    for (int k = 0; k < NMODEL; k++) PyBuffer_Release(&b[k]);
    for (int k = 0; k < 5; k++) PyBuffer_Release(&c[k]);
    return result;
}

/* ---------------------------------------------------------------- Scorer: the model bound once */

typedef struct {
    PyObject_HEAD
    Py_buffer b[NMODEL];
    int held;
    Model md;
} ScorerObject;

static void Scorer_dealloc(ScorerObject *self) {
    for (int k = 0; k < self->held; k++) PyBuffer_Release(&self->b[k]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Scorer_init(ScorerObject *self, PyObject *args, PyObject *kwds) {
    int span, bits, slots, dim, clause;
    double scale;
    if (self->held) {
        PyErr_SetString(PyExc_TypeError, "Scorer is already initialised");
        return -1;
    }
    Py_buffer b[NMODEL];
    memset(b, 0, sizeof b);
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*y*y*y*y*y*iiiidi", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                          &b[6], &b[7], &b[8], &b[9], &b[10], &b[11], &b[12], &span, &bits, &slots, &dim, &scale,
                          &clause))
        return -1;
    memcpy(self->b, b, sizeof b);
    self->held = NMODEL;
    return model_from(&self->md, self->b, span, bits, slots, dim, scale, clause);
}

static PyObject *Scorer_scores(ScorerObject *self, PyObject *args) {
    Py_buffer c[5];
    memset(c, 0, sizeof c);
    if (!self->held) {
        PyErr_SetString(PyExc_TypeError, "Scorer is not initialised");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*", &c[0], &c[1], &c[2], &c[3], &c[4])) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n, m;
    if (check_call(c, &self->md, &n, &m) == 0) {
        Py_BEGIN_ALLOW_THREADS
        score(&self->md, c[0].buf, n, NULL, NULL, c[1].buf, c[2].buf, m, c[3].buf, c[4].buf);
        Py_END_ALLOW_THREADS
        result = Py_None;
        Py_INCREF(result);
    }
    for (int k = 0; k < 5; k++) PyBuffer_Release(&c[k]);
    return result;
}

/* scores_spans(cps, lo, hi, positions, hints, out_z, out_ci): scores() for positions of many
 * texts laid end to end in cps (lo, hi int64[m]: each position's text, see _modelcore.h). */
static PyObject *Scorer_scores_spans(ScorerObject *self, PyObject *args) {
    Py_buffer c[7];
    memset(c, 0, sizeof c);
    if (!self->held) {
        PyErr_SetString(PyExc_TypeError, "Scorer is not initialised");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*w*w*", &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6])) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = c[0].len / 4, m = c[3].len / 8;
    const int64_t *lo = c[1].buf, *hi = c[2].buf, *pos = c[3].buf;
    if (c[1].len != m * 8 || c[2].len != m * 8 || c[4].len != m * 8 || c[5].len != m * self->md.slots * 4
        || c[6].len != m * 4) {
        PyErr_SetString(PyExc_ValueError, "scores_spans: buffer sizes do not match the model");
        goto done;
    }
    for (Py_ssize_t j = 0; j < m; j++)
        if (lo[j] < 0 || lo[j] > pos[j] || pos[j] >= hi[j] || hi[j] > n) {
            PyErr_Format(PyExc_ValueError, "scores_spans: position %zd is not inside its text", j);
            goto done;
        }
    Py_BEGIN_ALLOW_THREADS
    score(&self->md, c[0].buf, n, lo, hi, pos, c[4].buf, m, c[5].buf, c[6].buf);
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    for (int k = 0; k < 7; k++) PyBuffer_Release(&c[k]);
    return result;
}

static PyObject *Scorer_slots(ScorerObject *self, void *closure) { return PyLong_FromLong(self->md.slots); }

static PyMethodDef Scorer_methods[] = {
    {"scores", (PyCFunction)Scorer_scores, METH_VARARGS,
     "scores(cps, positions, hints, out_z, out_ci): the logits of the positions (see the file header)"},
    {"scores_spans", (PyCFunction)Scorer_scores_spans, METH_VARARGS,
     "scores_spans(cps, lo, hi, positions, hints, out_z, out_ci): scores() for positions of texts laid end to "
     "end: position j is positions[j] of the text cps[lo[j]:hi[j]] (positions count from cps)"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef Scorer_getset[] = {
    {"slots", (getter)Scorer_slots, NULL, "reading slots per character", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyTypeObject ScorerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pinzhu._modelcore.Scorer",
    .tp_basicsize = sizeof(ScorerObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scorer_init,
    .tp_dealloc = (destructor)Scorer_dealloc,
    .tp_methods = Scorer_methods,
    .tp_getset = Scorer_getset,
    .tp_doc = "The model's arrays, checked and held once (see the module's file header).",
};

/* ---------------------------------------------------------------- the C API for _segcore */

static int api_slots(PyObject *scorer) {
    if (!PyObject_TypeCheck(scorer, &ScorerType) || !((ScorerObject *)scorer)->held) return -1;
    return ((ScorerObject *)scorer)->md.slots;
}

static void api_score(PyObject *scorer, const uint32_t *cps, Py_ssize_t n, const int64_t *pos,
                      const int64_t *hints, Py_ssize_t m, float *out_z, int32_t *out_ci) {
    score(&((ScorerObject *)scorer)->md, cps, n, NULL, NULL, pos, hints, m, out_z, out_ci);
}

static void api_score_spans(PyObject *scorer, const uint32_t *cps, const int64_t *lo, const int64_t *hi,
                            const int64_t *pos, const int64_t *hints, Py_ssize_t m, float *out_z, int32_t *out_ci) {
    score(&((ScorerObject *)scorer)->md, cps, 0, lo, hi, pos, hints, m, out_z, out_ci);
}

static PinzhuModelAPI api = {PINZHU_MODEL_API_VERSION, api_slots, api_score, api_score_spans};

static PyMethodDef module_methods[] = {
    {"scores", model_scores, METH_VARARGS, "The model's logits at the given positions (see the file header)."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "pinzhu._modelcore", "Polyphone model scores.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__modelcore(void) {
    if (PyType_Ready(&ScorerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&ScorerType);
    if (PyModule_AddObject(m, "Scorer", (PyObject *)&ScorerType) < 0) {
        Py_DECREF(&ScorerType); Py_DECREF(m); return NULL;
    }
    PyObject *cap = PyCapsule_New(&api, PINZHU_MODEL_API_NAME, NULL);
    if (!cap || PyModule_AddObject(m, "_API", cap) < 0) {
        Py_XDECREF(cap); Py_DECREF(m); return NULL;
    }
    return m;
}
