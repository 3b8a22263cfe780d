/* pinzhu._segcore: the one hot loop of the reading engine, in C.
 *
 * Maximum-probability segmentation over a word index (and an optional user index whose words
 * always win), writing each character's syllable id from the word that covers it. Everything
 * else (character defaults, styles, the model) stays in Python/numpy; pinzhu/segment.py holds
 * a pure-Python twin of this file that the tests compare it with, and that runs where no
 * compiler was available.  Why C: benchmarks/RESULTS.md, "engine" rows.
 *
 * Index(cps, offsets, scores, syls): cps is a uint32 buffer of all words' code points
 * concatenated, offsets int32[n+1], scores float32[n] (log probability), syls uint16 (one per
 * code point of cps).
 * read(...): see seg_read below. out_src: 0 = no reading, 1 = a standalone character's most
 *   common reading, 2 = a lexicon word, 3 = a user word; | 8 on every character of a word but
 *   its first.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define USER_BONUS 1000.0f

typedef struct {
    PyObject_HEAD
    uint32_t *cps;
    int32_t *offsets;
    float *scores;
    uint16_t *syls;
    Py_ssize_t n_words, n_cps;
    int32_t *first;   /* first[c], first[c+1]: range of words starting with code point c (c < TSIZE) */
} IndexObject;

/* Words are sorted by code points, so the words that share a prefix are contiguous: a lookup
 * narrows a range one character at a time (a trie laid out as a sorted array). Nothing is
 * built at load but the first-character table, so start-up stays small. */
#define TSIZE 0x323B1

static inline uint32_t char_at(const IndexObject *ix, Py_ssize_t w, int32_t k) {
    return ix->cps[ix->offsets[w] + k];
}
static inline int32_t word_len(const IndexObject *ix, Py_ssize_t w) {
    return ix->offsets[w + 1] - ix->offsets[w];
}

/* Narrow [*lo, *hi) (words longer than k sharing a k-character prefix) to those whose
 * character k is c. */
static void narrow(const IndexObject *ix, Py_ssize_t *lo, Py_ssize_t *hi, int32_t k, uint32_t c) {
    Py_ssize_t a = *lo, b = *hi;
    while (a < b) {   /* lower bound */
        Py_ssize_t m = (a + b) / 2;
        if (char_at(ix, m, k) < c) a = m + 1; else b = m;
    }
    Py_ssize_t first = a;
    b = *hi;
    while (a < b) {   /* upper bound */
        Py_ssize_t m = (a + b) / 2;
        if (char_at(ix, m, k) <= c) a = m + 1; else b = m;
    }
    *lo = first; *hi = a;
}

/* The range of words starting with c. */
static void first_range(const IndexObject *ix, uint32_t c, Py_ssize_t *lo, Py_ssize_t *hi) {
    if (c < TSIZE) { *lo = ix->first[c]; *hi = ix->first[c + 1]; return; }
    *lo = ix->first[TSIZE]; *hi = ix->n_words;   /* words starting beyond the table */
    narrow(ix, lo, hi, 0, c);
}

static int copy_buffer(PyObject *obj, void **dst, Py_ssize_t itemsize, Py_ssize_t *count, const char *name) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (view.len % itemsize) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "%s: buffer length %zd is not a multiple of %zd", name, view.len, itemsize);
        return -1;
    }
    *dst = PyMem_Malloc(view.len ? view.len : 1);
    if (!*dst) { PyBuffer_Release(&view); PyErr_NoMemory(); return -1; }
    memcpy(*dst, view.buf, view.len);
    *count = view.len / itemsize;
    PyBuffer_Release(&view);
    return 0;
}

static void Index_dealloc(IndexObject *self) {
    PyMem_Free(self->cps); PyMem_Free(self->offsets); PyMem_Free(self->scores);
    PyMem_Free(self->syls); PyMem_Free(self->first);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Index_init(IndexObject *self, PyObject *args, PyObject *kwds) {
    PyObject *cps, *offsets, *scores, *syls;
    Py_ssize_t n_off, n_scores, n_syls;
    if (!PyArg_ParseTuple(args, "OOOO", &cps, &offsets, &scores, &syls)) return -1;
    if (copy_buffer(cps, (void **)&self->cps, 4, &self->n_cps, "cps") < 0) return -1;
    if (copy_buffer(offsets, (void **)&self->offsets, 4, &n_off, "offsets") < 0) return -1;
    if (copy_buffer(scores, (void **)&self->scores, 4, &n_scores, "scores") < 0) return -1;
    if (copy_buffer(syls, (void **)&self->syls, 2, &n_syls, "syls") < 0) return -1;
    self->n_words = n_off - 1;
    if (n_off < 1 || n_scores != self->n_words || n_syls != self->n_cps ||
        self->offsets[self->n_words] != self->n_cps) {
        PyErr_SetString(PyExc_ValueError, "Index: offsets, scores and syls do not agree with cps");
        return -1;
    }
    for (Py_ssize_t w = 0; w < self->n_words; w++) {
        int32_t len = word_len(self, w);
        if (len < 1) {
            PyErr_Format(PyExc_ValueError, "Index: word %zd is empty", w);
            return -1;
        }
        if (w > 0) {   /* strictly sorted by code points, shorter prefix first */
            int32_t lp = word_len(self, w - 1), n = lp < len ? lp : len, k = 0;
            while (k < n && char_at(self, w - 1, k) == char_at(self, w, k)) k++;
            if (k < n ? char_at(self, w - 1, k) > char_at(self, w, k) : lp >= len) {
                PyErr_Format(PyExc_ValueError, "Index: words must be unique and sorted (word %zd)", w);
                return -1;
            }
        }
    }
    self->first = PyMem_Malloc((TSIZE + 1) * sizeof(int32_t));
    if (!self->first) { PyErr_NoMemory(); return -1; }
    Py_ssize_t w = 0;
    for (uint32_t c = 0; c <= TSIZE; c++) {
        while (w < self->n_words && char_at(self, w, 0) < c) w++;
        self->first[c] = (int32_t)w;
    }
    return 0;
}

static PyObject *Index_lookup(IndexObject *self, PyObject *args) {
    PyObject *obj;
    if (!PyArg_ParseTuple(args, "U", &obj)) return NULL;
    Py_ssize_t n = PyUnicode_GetLength(obj), lo, hi;
    if (n < 1) Py_RETURN_NONE;
    first_range(self, PyUnicode_ReadChar(obj, 0), &lo, &hi);
    for (Py_ssize_t k = 1; k < n && lo < hi; k++) {
        if (word_len(self, lo) == k) lo++;
        narrow(self, &lo, &hi, (int32_t)k, PyUnicode_ReadChar(obj, k));
    }
    if (lo < hi && word_len(self, lo) == n) return PyLong_FromSsize_t(lo);
    Py_RETURN_NONE;
}

static PyMethodDef Index_methods[] = {
    {"lookup", (PyCFunction)Index_lookup, METH_VARARGS, "lookup(word) -> word id or None"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject IndexType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pinzhu._segcore.Index",
    .tp_basicsize = sizeof(IndexObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Index_init,
    .tp_dealloc = (destructor)Index_dealloc,
    .tp_methods = Index_methods,
    .tp_doc = "Hash index of words (code points) with scores and syllable ids.",
};

/* read(index, user_index|None, text_u32, char_score_f32, default_syl_u16, default_share_f32,
 *      cflags_u8, t2s_u32, out_syl_u16, out_src_u8, out_prob_f32, out_flags_u8, out_norm_u32)
 *      -> number of characters mapped traditional -> simplified
 * Tables are indexed by code point (the last entry is empty and catches everything beyond);
 * cflags: 1 Han, 2 polyphone (its probability is its reading's share), 4 ask the model.
 * out_flags: 1 Han, 2 a standalone character the model should decide. */
#define SRC_CHAR 1
#define SRC_WORD 2
#define SRC_USER 3
#define SRC_CONT 8

static PyObject *seg_read(PyObject *mod, PyObject *args) {
    PyObject *ixo, *uxo;
    Py_buffer b[11];
    int nb = 0;
    memset(b, 0, sizeof b);
    if (!PyArg_ParseTuple(args, "O!Oy*y*y*y*y*y*w*w*w*w*w*", &IndexType, &ixo, &uxo,
                          &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8], &b[9], &b[10]))
        return NULL;
    nb = 11;
    IndexObject *ix = (IndexObject *)ixo, *ux = NULL;
    PyObject *result = NULL;
    double *route = NULL; int32_t *choice = NULL;
    Py_ssize_t mapped = 0;
    if (uxo != Py_None) {
        if (!PyObject_TypeCheck(uxo, &IndexType)) {
            PyErr_SetString(PyExc_TypeError, "user index must be an Index or None");
            goto done;
        }
        ux = (IndexObject *)uxo;
    }
    Py_ssize_t n = b[0].len / 4, nt = b[1].len / 4;
    if (nt < 1 || b[2].len != nt * 2 || b[3].len != nt * 4 || b[4].len != nt || b[5].len != nt * 4) {
        PyErr_SetString(PyExc_ValueError, "read: the tables must have one entry per code point of the same range");
        goto done;
    }
    if (b[6].len != n * 2 || b[7].len != n || b[8].len != n * 4 || b[9].len != n || b[10].len != n * 4) {
        PyErr_SetString(PyExc_ValueError, "read: output buffers must hold one item per code point");
        goto done;
    }
    const uint32_t *text = b[0].buf;
    const float *cs = b[1].buf, *dshare = b[3].buf;
    const uint16_t *dsyl = b[2].buf;
    const uint8_t *cflags = b[4].buf;
    const uint32_t *t2s = b[5].buf;
    uint16_t *out_syl = b[6].buf;
    uint8_t *out_src = b[7].buf, *out_flags = b[9].buf;
    float *out_prob = b[8].buf;
    uint32_t *t = b[10].buf;   /* the normalised text */
    /* double: a float32 sum from the end of a long text (~ -10 per character) loses the
     * differences between word scores (ulp 0.06 at 100k characters), so segmentation drifted
     * with the text's length */
    route = PyMem_Malloc((size_t)(n + 1) * sizeof(double));
    /* choice[i]: word id chosen at i (>= 0 lexicon, <= -2 user word -(id+2)), -1 single char */
    choice = PyMem_Malloc((size_t)(n + 1) * sizeof(int32_t));
    if (!route || !choice) { PyErr_NoMemory(); goto done; }

    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = text[i], k = c < (uint32_t)nt ? c : (uint32_t)nt - 1;
        uint32_t m = k == (uint32_t)nt - 1 ? c : t2s[k];
        mapped += m != c;
        t[i] = m;
    }
    route[n] = 0.0;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        uint32_t c = t[i];
        double best = (double)cs[c < (uint32_t)nt ? c : (uint32_t)nt - 1] + route[i + 1];
        int32_t bc = -1;
        for (int pass = 0; pass < 2; pass++) {
            IndexObject *x = pass == 0 ? ix : ux;
            if (!x) continue;
            Py_ssize_t lo, hi;
            first_range(x, c, &lo, &hi);
            for (Py_ssize_t len = 1; lo < hi; len++) {
                /* [lo, hi): the words of length >= len matching t[i .. i+len) */
                if (word_len(x, lo) == len) {
                    if (len >= 2 || pass == 1) {   /* a one-character user word wins too */
                        double sc = (pass == 0 ? (double)x->scores[lo] : (double)USER_BONUS) + route[i + len];
                        if (sc > best) { best = sc; bc = pass == 0 ? (int32_t)lo : -(int32_t)(lo + 2); }
                    }
                    lo++;
                }
                if (i + len >= n) break;
                narrow(x, &lo, &hi, (int32_t)len, t[i + len]);
            }
        }
        route[i] = best;
        choice[i] = bc;
    }
    Py_ssize_t i = 0;
    while (i < n) {
        int32_t bc = choice[i];
        if (bc == -1) {
            uint32_t c = t[i], k = c < (uint32_t)nt ? c : (uint32_t)nt - 1;
            uint8_t f = cflags[k];
            uint16_t s = (f & 1) ? dsyl[k] : 0;
            out_syl[i] = s;
            out_src[i] = s ? SRC_CHAR : 0;
            out_prob[i] = s ? ((f & 2) ? dshare[k] : 1.0f) : 0.0f;
            out_flags[i] = (uint8_t)((f & 1) | ((s && (f & 4)) ? 2 : 0));
            i++;
            continue;
        }
        IndexObject *x = bc >= 0 ? ix : ux;
        int32_t id = bc >= 0 ? bc : -(bc + 2);
        int32_t start = x->offsets[id], len = x->offsets[id + 1] - start;
        for (int32_t k = 0; k < len; k++) {
            uint32_t c = t[i + k], kk = c < (uint32_t)nt ? c : (uint32_t)nt - 1;
            out_syl[i + k] = (cflags[kk] & 1) ? x->syls[start + k] : 0;
            out_src[i + k] = (uint8_t)((bc >= 0 ? SRC_WORD : SRC_USER) | (k > 0 ? SRC_CONT : 0));
            out_prob[i + k] = 1.0f;
            out_flags[i + k] = cflags[kk] & 1;
        }
        i += len;
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(mapped);
done:
    PyMem_Free(route); PyMem_Free(choice);
    for (int k = 0; k < nb; k++) PyBuffer_Release(&b[k]);
    return result;
}

static PyMethodDef module_methods[] = {
    {"read", seg_read, METH_VARARGS,
     "read(index, user_index, text, char_score, default_syl, default_share, cflags, t2s, "
     "out_syl, out_src, out_prob, out_flags, out_norm) -> number of characters mapped"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "pinzhu._segcore", "Maximum-probability segmentation core.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__segcore(void) {
    if (PyType_Ready(&IndexType) < 0) return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&IndexType);
    if (PyModule_AddObject(m, "Index", (PyObject *)&IndexType) < 0) {
        Py_DECREF(&IndexType); Py_DECREF(m); return NULL;
    }
    return m;
}
