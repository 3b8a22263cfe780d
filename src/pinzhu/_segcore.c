/* pinzhu._segcore: the hot loop of the reading engine, in C.
 *
 * Maximum-probability segmentation over a word index (and an optional user index whose words
 * always win), writing each character's syllable id from the word that covers it.
 * pinzhu/segment.py holds a pure-Python twin of the segmentation that the tests compare this
 * with, and that runs where no compiler was available. Why C: benchmarks/RESULTS.md.
 *
 * Index(cps, offsets, scores, syls): cps is a uint32 buffer of all words' code points
 * concatenated, offsets int32[n+1], scores float32[n] (log probability), syls uint16 (one per
 * code point of cps). The buffers are held (not copied) for the index's life.
 * read(...): see seg_read below. out_src: 0 = no reading, 1 = a standalone character's most
 *   common reading, 2 = a lexicon word, 3 = a user word, 4 = the model's choice (Engine only);
 *   | 8 on every character of a word but its first.
 *
 * Engine(...): the engine's tables, indexes and model bound once, so that reading one short
 * text is one C call: no buffers parsed, no arrays made per call (see Engine_init below).
 * pinzhu/read.py builds it (read.engine_for) and holds it equal to the composed path
 * (read_arrays, then the model's predict, then the neutral-tone swap).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "_modelcore.h"

#define USER_BONUS 1000.0f
#define PREFETCH 16

typedef struct {
    uint32_t c0, c1;   /* a two-character prefix (c0 == 0 && c1 == 0: empty slot) */
    int32_t lo, hi;    /* the words that start with it */
} Bigram;

typedef struct {
    PyObject_HEAD
    Py_buffer views[4];   /* held: cps, offsets, scores, syls */
    int held;
    const uint32_t *cps;
    const int32_t *offsets;
    const float *scores;
    const uint16_t *syls;
    Py_ssize_t n_words, n_cps;
    int32_t *first;   /* first[c], first[c+1]: range of words starting with code point c (c < TSIZE) */
    /* Built on first need (index_use): a short first text reads without them (start-up, issue
     * #18: building them was a third of the first call), each prefix then found by two binary
     * searches (prefix2_range), which give the same ranges. Published once built, so a reader
     * without the GIL (seg_read) sees either none or all of them. */
    Bigram *bigrams;  /* open addressing, 2**bigram_bits slots */
    int bigram_bits;
    /* keys[k - 2][w]: word w's character k (k = 2, 3; 0 where it is shorter), so that narrow()
     * searches one contiguous array there instead of reaching each word through offsets */
    uint32_t *keys[2];
    Py_ssize_t unbuilt_chars;   /* characters read before the tables were built */
} IndexObject;

/* Words are sorted by code points, so the words that share a prefix are contiguous: a lookup
 * narrows a range one character at a time (a trie laid out as a sorted array). Two tables
 * make the first steps O(1): first[] by first character, and a hash of two-character prefixes
 * (most positions of a text start no word longer than one character, and the hash says so in
 * one probe, where the binary search took ~20). */
#define TSIZE 0x323B1

static inline uint32_t char_at(const IndexObject *ix, Py_ssize_t w, int32_t k) {
    return ix->cps[ix->offsets[w] + k];
}
static inline int32_t word_len(const IndexObject *ix, Py_ssize_t w) {
    return ix->offsets[w + 1] - ix->offsets[w];
}
/* char_at for a word longer than k, through keys[] where it has them */
static inline uint32_t key_at(const IndexObject *ix, const uint32_t *keys, Py_ssize_t w, int32_t k) {
    return keys ? keys[w] : char_at(ix, w, k);
}

static inline uint64_t bigram_hash(uint32_t c0, uint32_t c1, int bits) {
    return ((((uint64_t)c0 << 32) | c1) * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
}

/* The words of two or more characters that start with c0 c1: [*lo, *hi), or 0 if none. */
static inline int bigram_range(const IndexObject *ix, uint32_t c0, uint32_t c1, Py_ssize_t *lo, Py_ssize_t *hi) {
    uint64_t mask = ((uint64_t)1 << ix->bigram_bits) - 1;
    for (uint64_t h = bigram_hash(c0, c1, ix->bigram_bits);; h = (h + 1) & mask) {
        const Bigram *b = &ix->bigrams[h];
        if (b->c0 == c0 && b->c1 == c1 && b->hi > b->lo) { *lo = b->lo; *hi = b->hi; return 1; }
        if (b->hi == 0) return 0;   /* an empty slot ends the probe */
    }
}

/* Narrow [*lo, *hi) (words longer than k sharing a k-character prefix) to those whose
 * character k is c: a short range scanned in order (its keys lie together), a long one by
 * binary search. */
#define NARROW_SCAN 8
static void narrow(const IndexObject *ix, Py_ssize_t *lo, Py_ssize_t *hi, int32_t k, uint32_t c) {
    const uint32_t *keys = k == 2 || k == 3 ? __atomic_load_n(&ix->keys[k - 2], __ATOMIC_ACQUIRE) : NULL;
    Py_ssize_t a = *lo, b = *hi;
    if (b - a <= NARROW_SCAN) {
        while (a < b && key_at(ix, keys, a, k) < c) a++;
        Py_ssize_t e = a;
        while (e < b && key_at(ix, keys, e, k) == c) e++;
        *lo = a; *hi = e;
        return;
    }
    while (a < b) {   /* lower bound */
        Py_ssize_t m = (a + b) / 2;
        if (key_at(ix, keys, m, k) < c) a = m + 1; else b = m;
    }
    Py_ssize_t first = a;
    b = *hi;
    while (a < b) {   /* upper bound */
        Py_ssize_t m = (a + b) / 2;
        if (key_at(ix, keys, m, k) <= c) a = m + 1; else b = m;
    }
    *lo = first; *hi = a;
}

/* The range of words starting with c. */
static void first_range(const IndexObject *ix, uint32_t c, Py_ssize_t *lo, Py_ssize_t *hi) {
    if (c < TSIZE) { *lo = ix->first[c]; *hi = ix->first[c + 1]; return; }
    *lo = ix->first[TSIZE]; *hi = ix->n_words;   /* words starting beyond the table */
    narrow(ix, lo, hi, 0, c);
}

/* bigram_range without the prefix table (before it is built): the same range, by search. */
static int prefix2_range(const IndexObject *ix, uint32_t c0, uint32_t c1, Py_ssize_t *lo, Py_ssize_t *hi) {
    first_range(ix, c0, lo, hi);
    if (*lo < *hi && word_len(ix, *lo) == 1) (*lo)++;   /* a word of one character (a user index) */
    if (*lo < *hi) narrow(ix, lo, hi, 1, c1);
    return *lo < *hi;
}

static int hold_buffer(IndexObject *ix, PyObject *obj, Py_ssize_t itemsize, Py_ssize_t *count, const char *name) {
    Py_buffer *view = &ix->views[ix->held];
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS) < 0) return -1;
    ix->held++;
    if (view->len % itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: buffer length %zd is not a multiple of %zd", name, view->len, itemsize);
        return -1;
    }
    *count = view->len / itemsize;
    return 0;
}

static void Index_dealloc(IndexObject *self) {
    for (int k = 0; k < self->held; k++) PyBuffer_Release(&self->views[k]);
    PyMem_Free(self->first);
    PyMem_Free(self->bigrams);
    PyMem_Free(self->keys[0]);
    PyMem_Free(self->keys[1]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The two-character prefix table from the groups [gs[g], ge[g]) of words sharing their first
 * two characters. */
static Bigram *build_bigrams(const IndexObject *self, const int32_t *gs, const int32_t *ge, Py_ssize_t distinct,
                             int *bits_out) {
    int bits = 4;
    while (((Py_ssize_t)1 << bits) < 2 * distinct + 2) bits++;   /* load factor <= 1/2 */
    Bigram *bigrams = PyMem_Calloc((size_t)1 << bits, sizeof(Bigram));
    if (!bigrams) { PyErr_NoMemory(); return NULL; }
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (Py_ssize_t g = 0; g < distinct; g++) {
        uint32_t c0 = char_at(self, gs[g], 0), c1 = char_at(self, gs[g], 1);
        uint64_t h = bigram_hash(c0, c1, bits);
        while (bigrams[h].hi != 0) h = (h + 1) & mask;
        bigrams[h] = (Bigram){c0, c1, gs[g], ge[g]};
    }
    *bits_out = bits;
    return bigrams;
}

/* The key arrays and the prefix table (see IndexObject), built once; the GIL held. */
static int index_build(IndexObject *self) {
    if (self->bigrams) return 0;
    Py_ssize_t nw = self->n_words;
    uint32_t *k2 = PyMem_Malloc((size_t)(nw + 1) * sizeof(uint32_t));
    uint32_t *k3 = PyMem_Malloc((size_t)(nw + 1) * sizeof(uint32_t));
    int32_t *gs = PyMem_Malloc((size_t)(nw + 1) * 2 * sizeof(int32_t));
    if (!k2 || !k3 || !gs) { PyMem_Free(k2); PyMem_Free(k3); PyMem_Free(gs); PyErr_NoMemory(); return -1; }
    int32_t *ge = gs + nw + 1;
    Py_ssize_t distinct = 0;
    int32_t prev_len = 0;
    for (Py_ssize_t w = 0; w < nw; w++) {   /* the words are sorted and unique (Index_init) */
        const uint32_t *word = self->cps + self->offsets[w];
        int32_t len = word_len(self, w);
        k2[w] = len > 2 ? word[2] : 0;
        k3[w] = len > 3 ? word[3] : 0;
        int in_group = distinct > 0 && ge[distinct - 1] == (int32_t)w && len >= 2 && prev_len >= 2
                       && word[0] == char_at(self, w - 1, 0) && word[1] == char_at(self, w - 1, 1);
        if (in_group) ge[distinct - 1] = (int32_t)w + 1;
        else if (len >= 2) { gs[distinct] = (int32_t)w; ge[distinct] = (int32_t)w + 1; distinct++; }
        prev_len = len;
    }
    int bits;
    Bigram *bigrams = build_bigrams(self, gs, ge, distinct, &bits);
    PyMem_Free(gs);
    if (!bigrams) { PyMem_Free(k2); PyMem_Free(k3); return -1; }
    self->bigram_bits = bits;
    __atomic_store_n(&self->keys[0], k2, __ATOMIC_RELEASE);
    __atomic_store_n(&self->keys[1], k3, __ATOMIC_RELEASE);
    __atomic_store_n(&self->bigrams, bigrams, __ATOMIC_RELEASE);
    return 0;
}

/* Before reading n more characters through ix: its tables built once a thousand characters
 * have gone through without them (or a text that long comes). The GIL held. */
#define UNBUILT_CHARS 1024
static int index_use(IndexObject *ix, Py_ssize_t n) {
    if (ix->bigrams) return 0;
    ix->unbuilt_chars += n;
    return ix->unbuilt_chars >= UNBUILT_CHARS ? index_build(ix) : 0;
}

static int Index_init(IndexObject *self, PyObject *args, PyObject *kwds) {
    PyObject *cps, *offsets, *scores, *syls;
    Py_ssize_t n_off, n_scores, n_syls;
    if (self->held) {
        PyErr_SetString(PyExc_TypeError, "Index is already initialised");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "OOOO", &cps, &offsets, &scores, &syls)) return -1;
    if (hold_buffer(self, cps, 4, &self->n_cps, "cps") < 0) return -1;
    if (hold_buffer(self, offsets, 4, &n_off, "offsets") < 0) return -1;
    if (hold_buffer(self, scores, 4, &n_scores, "scores") < 0) return -1;
    if (hold_buffer(self, syls, 2, &n_syls, "syls") < 0) return -1;
    self->cps = self->views[0].buf;
    self->offsets = self->views[1].buf;
    self->scores = self->views[2].buf;
    self->syls = self->views[3].buf;
    self->n_words = n_off - 1;
    if (n_off < 1 || n_scores != self->n_words || n_syls != self->n_cps ||
        self->offsets[0] != 0 || self->offsets[self->n_words] != self->n_cps) {
        PyErr_SetString(PyExc_ValueError, "Index: offsets, scores and syls do not agree with cps");
        return -1;
    }
    /* One pass over the words (start-up pays for it: issue #18): check they are sorted and
     * unique, and fill first[]. */
    self->first = PyMem_Malloc((TSIZE + 1) * sizeof(int32_t));
    if (!self->first) { PyErr_NoMemory(); return -1; }
    const uint32_t *cp = self->cps;
    const int32_t *off = self->offsets;
    int64_t filled = -1;   /* first[0 .. filled] are set */
    int32_t prev_len = 0;
    for (Py_ssize_t w = 0; w < self->n_words; w++) {
        const uint32_t *word = cp + off[w];
        int32_t len = off[w + 1] - off[w];
        if (len < 1) {
            PyErr_Format(PyExc_ValueError, "Index: word %zd is empty", w);
            return -1;
        }
        if (w > 0) {   /* strictly sorted by code points, shorter prefix first */
            const uint32_t *prev = cp + off[w - 1];
            int32_t n = prev_len < len ? prev_len : len, k = 0;
            while (k < n && prev[k] == word[k]) k++;
            if (k < n ? prev[k] > word[k] : prev_len >= len) {
                PyErr_Format(PyExc_ValueError, "Index: words must be unique and sorted (word %zd)", w);
                return -1;
            }
        }
        for (int64_t c = filled + 1; c <= (int64_t)word[0] && c <= TSIZE; c++) self->first[c] = (int32_t)w;
        if ((int64_t)word[0] > filled) filled = word[0] < TSIZE ? (int64_t)word[0] : TSIZE;
        prev_len = len;
    }
    for (int64_t c = filled + 1; c <= TSIZE; c++) self->first[c] = (int32_t)self->n_words;
    return 0;
}

static PyObject *Index_lookup(IndexObject *self, PyObject *args) {
    PyObject *obj;
    if (!self->held) {
        PyErr_SetString(PyExc_TypeError, "Index is not initialised");
        return NULL;
    }
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

static PyObject *Index_build(IndexObject *self, PyObject *unused) {
    if (!self->held) {
        PyErr_SetString(PyExc_TypeError, "Index is not initialised");
        return NULL;
    }
    if (index_build(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *Index_built(IndexObject *self, void *closure) {
    return PyBool_FromLong(self->bigrams != NULL);
}

static PyGetSetDef Index_getset[] = {
    {"built", (getter)Index_built, NULL, "whether the prefix table and key arrays are built (see build)", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyMethodDef Index_methods[] = {
    {"lookup", (PyCFunction)Index_lookup, METH_VARARGS, "lookup(word) -> word id or None"},
    {"build", (PyCFunction)Index_build, METH_NOARGS,
     "build(): the prefix table and key arrays now (they are otherwise built once ~1000 characters have been "
     "read without them); the same segmentation either way"},
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
    .tp_getset = Index_getset,
    .tp_doc = "Index of words (code points) with scores and syllable ids.",
};

/* ---------------------------------------------------------------- the segmentation */

#define SRC_CHAR 1
#define SRC_WORD 2
#define SRC_USER 3
#define SRC_MODEL 4
#define SRC_CONT 8

/* Per-code-point tables (the last entry is empty and catches everything beyond);
 * cflags: 1 Han, 2 polyphone (its probability is its reading's share), 4 ask the model.
 * t2s NULL: no mapping (traditional=False). */
typedef struct {
    const float *cs, *dshare;
    const uint16_t *dsyl;
    const uint8_t *cflags;
    const uint32_t *t2s;
    Py_ssize_t nt;
} Tables;

static inline uint32_t clip(const Tables *tb, uint32_t c) {
    return c < (uint32_t)tb->nt ? c : (uint32_t)tb->nt - 1;
}

/* The stages that prepare position p before the loop of segment() gets there (see there). */
#define STAGE2 8
#define STAGE3 4
#define RING 16   /* > STAGE2: a range is read before its slot is written again */

static inline void stage2(const Tables *tb, const IndexObject *ix, const Bigram *bg, const uint32_t *t, Py_ssize_t n,
                          Py_ssize_t p, Py_ssize_t *ring_lo, Py_ssize_t *ring_hi) {
    Py_ssize_t lo = 0, hi = 0;
    if (p + 1 < n && (bg ? bigram_range(ix, t[p], t[p + 1], &lo, &hi) : prefix2_range(ix, t[p], t[p + 1], &lo, &hi))) {
        __builtin_prefetch(&ix->offsets[lo]);
        __builtin_prefetch(&ix->scores[lo]);
        if (bg) __builtin_prefetch(&ix->keys[0][lo]);
    } else {
        lo = hi = 0;
    }
    ring_lo[p & (RING - 1)] = lo;
    ring_hi[p & (RING - 1)] = hi;
    __builtin_prefetch(&tb->cs[clip(tb, t[p])]);
}

static inline void stage3(const IndexObject *ix, const Bigram *bg, Py_ssize_t p, const Py_ssize_t *ring_lo,
                          const Py_ssize_t *ring_hi) {
    Py_ssize_t lo = ring_lo[p & (RING - 1)];
    if (bg && lo < ring_hi[p & (RING - 1)]) __builtin_prefetch(&ix->keys[1][lo]);
}

/* Segment t[0..n) (code points as read) and write each character's syllable, source, flags
 * (1 Han, 2 the model should decide) and, unless out_prob is NULL, probability. route and
 * choice: scratch of n + 1 each. */
static void segment(const Tables *tb, const IndexObject *ix, const IndexObject *ux, const uint32_t *t, Py_ssize_t n,
                    double *route, int64_t *choice, uint16_t *out_syl, uint8_t *out_src, float *out_prob,
                    uint8_t *out_flags) {
    /* double: a float32 sum from the end of a long text (~ -10 per character) loses the
     * differences between word scores (ulp 0.06 at 100k characters), so segmentation drifted
     * with the text's length */
    route[n] = 0.0;
    /* The loop's cache misses, each on the one before it: the two-character prefix hash (a table
     * of megabytes, one probe per position), then the words it points to (their offsets, scores
     * and third characters, then their fourth, which narrow() searches). So each position is
     * prepared in stages ahead of the loop: its slot asked for PREFETCH positions ahead; probed
     * STAGE2 ahead (the slot has arrived; the range kept in a ring) and the range's offsets,
     * scores and third characters asked for; STAGE3 ahead, their fourth characters. The positions a short line
     * starts with (the loop runs backwards) get their stages before the loop. */
    Py_ssize_t ring_lo[RING], ring_hi[RING];
    const Bigram *bg = __atomic_load_n(&ix->bigrams, __ATOMIC_ACQUIRE);   /* NULL: not built yet */
    const int bits = ix->bigram_bits;
    for (Py_ssize_t i = n - 2; bg && i >= 0 && i >= n - 1 - PREFETCH; i--)
        __builtin_prefetch(&bg[bigram_hash(t[i], t[i + 1], bits)]);
    for (Py_ssize_t p = n - 1; p >= 0 && p >= n - STAGE2; p--) stage2(tb, ix, bg, t, n, p, ring_lo, ring_hi);
    for (Py_ssize_t p = n - 1; p >= 0 && p >= n - STAGE3; p--) stage3(ix, bg, p, ring_lo, ring_hi);
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        if (bg && i >= PREFETCH) __builtin_prefetch(&bg[bigram_hash(t[i - PREFETCH], t[i - PREFETCH + 1], bits)]);
        if (i >= STAGE2) stage2(tb, ix, bg, t, n, i - STAGE2, ring_lo, ring_hi);
        if (i >= STAGE3) stage3(ix, bg, i - STAGE3, ring_lo, ring_hi);
        uint32_t c = t[i];
        double best = (double)tb->cs[clip(tb, c)] + route[i + 1];
        /* choice: -1 the character alone; a lexicon word: its first syllable in syls << 32 | its
         * length (read here anyway, so the pass below misses no cache on the word's offsets);
         * a user word: -(id + 2) */
        int64_t bc = -1;
        /* lexicon words: two characters or more */
        Py_ssize_t lo = ring_lo[i & (RING - 1)], hi = ring_hi[i & (RING - 1)];
        if (lo < hi) {   /* bigram_range(ix, c, t[i + 1]), found by stage2 */
            for (Py_ssize_t len = 2; lo < hi; len++) {
                /* [lo, hi): the words of length >= len matching t[i .. i+len) */
                if (word_len(ix, lo) == len) {
                    double sc = (double)ix->scores[lo] + route[i + len];
                    if (sc > best) { best = sc; bc = ((int64_t)ix->offsets[lo] << 32) | (int64_t)len; }
                    lo++;
                }
                if (i + len >= n) break;
                narrow(ix, &lo, &hi, (int32_t)len, t[i + len]);
            }
        }
        /* user words: any length, one character included, and they win */
        if (ux) {
            first_range(ux, c, &lo, &hi);
            for (Py_ssize_t len = 1; lo < hi; len++) {
                if (word_len(ux, lo) == len) {
                    double sc = (double)USER_BONUS + route[i + len];
                    if (sc > best) { best = sc; bc = -(int64_t)(lo + 2); }
                    lo++;
                }
                if (i + len >= n) break;
                narrow(ux, &lo, &hi, (int32_t)len, t[i + len]);
            }
        }
        route[i] = best;
        if (bc >= 0) __builtin_prefetch(&ix->syls[bc >> 32]);   /* for the pass below */
        choice[i] = bc;
    }
    Py_ssize_t i = 0;
    while (i < n) {
        int64_t bc = choice[i];
        if (bc == -1) {
            uint32_t k = clip(tb, t[i]);
            uint8_t f = tb->cflags[k];
            uint16_t s = (f & 1) ? tb->dsyl[k] : 0;
            out_syl[i] = s;
            out_src[i] = s ? SRC_CHAR : 0;
            if (out_prob) out_prob[i] = s ? ((f & 2) ? tb->dshare[k] : 1.0f) : 0.0f;
            out_flags[i] = (uint8_t)((f & 1) | ((s && (f & 4)) ? 2 : 0));
            i++;
            continue;
        }
        const uint16_t *syls;
        int32_t len;
        if (bc >= 0) {
            syls = ix->syls + (bc >> 32);
            len = (int32_t)(bc & 0xFFFFFFFF);
        } else {
            int32_t id = (int32_t)(-(bc + 2));
            syls = ux->syls + ux->offsets[id];
            len = word_len(ux, id);
        }
        for (int32_t k = 0; k < len; k++) {
            uint8_t f = tb->cflags[clip(tb, t[i + k])];
            out_syl[i + k] = (f & 1) ? syls[k] : 0;
            out_src[i + k] = (uint8_t)((bc >= 0 ? SRC_WORD : SRC_USER) | (k > 0 ? SRC_CONT : 0));
            if (out_prob) out_prob[i + k] = 1.0f;
            out_flags[i + k] = f & 1;
        }
        i += len;
    }
}

/* t[i] = the code point as read (traditional -> simplified through t2s); returns how many changed. */
static Py_ssize_t map_u32(const Tables *tb, const uint32_t *text, Py_ssize_t n, uint32_t *t) {
    Py_ssize_t mapped = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = text[i], k = clip(tb, c);
        uint32_t m = (k == (uint32_t)tb->nt - 1 || !tb->t2s) ? c : tb->t2s[k];
        mapped += m != c;
        t[i] = m;
    }
    return mapped;
}

static Py_ssize_t map_str(const Tables *tb, PyObject *str, uint32_t *t) {
    int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    Py_ssize_t n = PyUnicode_GET_LENGTH(str), mapped = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t c = PyUnicode_READ(kind, data, i), k = clip(tb, c);
        uint32_t m = (k == (uint32_t)tb->nt - 1 || !tb->t2s) ? c : tb->t2s[k];
        mapped += m != c;
        t[i] = m;
    }
    return mapped;
}

/* read(index, user_index|None, text_u32, char_score_f32, default_syl_u16, default_share_f32,
 *      cflags_u8, t2s_u32, out_syl_u16, out_src_u8, out_prob_f32, out_flags_u8, out_norm_u32)
 *      -> number of characters mapped traditional -> simplified
 * out_flags: 1 Han, 2 a standalone character the model should decide. */
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
    double *route = NULL; int64_t *choice = NULL;
    Py_ssize_t mapped = 0;
    if (!ix->held) {
        PyErr_SetString(PyExc_TypeError, "Index is not initialised");
        goto done;
    }
    if (uxo != Py_None) {
        if (!PyObject_TypeCheck(uxo, &IndexType) || !((IndexObject *)uxo)->held) {
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
    Tables tb = {b[1].buf, b[3].buf, b[2].buf, b[4].buf, b[5].buf, nt};
    route = PyMem_Malloc((size_t)(n + 1) * sizeof(double));
    /* choice[i]: what was chosen at i (see segment) */
    choice = PyMem_Malloc((size_t)(n + 1) * sizeof(int64_t));
    if (!route || !choice) { PyErr_NoMemory(); goto done; }
    if (index_use(ix, n) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    mapped = map_u32(&tb, b[0].buf, n, b[10].buf);
    segment(&tb, ix, ux, b[10].buf, n, route, choice, b[6].buf, b[7].buf, b[8].buf, b[9].buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(mapped);
done:
    PyMem_Free(route); PyMem_Free(choice);
    for (int k = 0; k < nb; k++) PyBuffer_Release(&b[k]);
    return result;
}

/* ---------------------------------------------------------------- Engine: everything bound once */

/* Engine(index, user_index|None, char_score f32, default_syl u16, default_share f32, cflags u8,
 *        t2s u32|None, scorer|None, model_syl u16|None, hint_slot i64|None, hint_none int,
 *        full_tone u16|None, is_neutral u8|None)
 *   The tables as for read(); t2s None: traditional characters are not mapped.
 *   scorer: a _modelcore.Scorer that decides the positions segmentation flags (flags & 2), or
 *     None (no model, or one the C scorer cannot run: the caller asks it in Python).
 *   model_syl: per classifier row and reading slot, the lexicon's syllable id of that reading
 *     (0: a reading the lexicon lacks, which leaves the position as it was).
 *   hint_slot: per code point, the hint slot the model gets for that character's most common
 *     reading; None: every position gets hint_none (the model reads no hints).
 *   full_tone (per code point) and is_neutral (per syllable id): neutral="full" swaps a lexicon
 *     word's neutral tone for the character's full one; None: lexical neutral tones stay.
 * Engine(..., loader, slots) with scorer None: the model comes when a text first needs it:
 *   loader() -> (scorer, model_syl, hint_slot, hint_none); slots: its reading slots. */
typedef struct {
    PyObject_HEAD
    PyObject *index, *user, *scorer, *loader;
    Py_buffer views[9];
    int held;
    Tables tb;
    const uint16_t *model_syl;
    Py_ssize_t model_syl_len;
    const int64_t *hint_slot;
    int64_t hint_none;
    const uint16_t *full_tone;
    const uint8_t *is_neutral;
    Py_ssize_t n_syl;
    int slots;
} EngineObject;

static const PinzhuModelAPI *model_api = NULL;

static void Engine_dealloc(EngineObject *self) {
    for (int k = 0; k < self->held; k++) PyBuffer_Release(&self->views[k]);
    Py_XDECREF(self->index); Py_XDECREF(self->user); Py_XDECREF(self->scorer); Py_XDECREF(self->loader);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Hold obj's buffer (None: NULL, length 0). */
static int engine_view(EngineObject *self, PyObject *obj, const void **buf, Py_ssize_t *len, Py_ssize_t itemsize,
                       const char *name) {
    if (obj == Py_None) { *buf = NULL; *len = 0; return 0; }
    if (self->held >= (int)(sizeof self->views / sizeof self->views[0])) {
        PyErr_Format(PyExc_ValueError, "Engine: no room to hold %s (a model loaded after a failed try)", name);
        return -1;
    }
    Py_buffer *v = &self->views[self->held];
    if (PyObject_GetBuffer(obj, v, PyBUF_C_CONTIGUOUS) < 0) return -1;
    self->held++;
    if (v->len % itemsize) {
        PyErr_Format(PyExc_ValueError, "Engine: %s has a length that is not a multiple of %zd", name, itemsize);
        return -1;
    }
    *buf = v->buf;
    *len = v->len / itemsize;
    return 0;
}

/* The model's part of the engine: its scorer, and the syllable id of each classifier row's
 * reading slots and the hint tables (see Engine_init). */
static int engine_set_model(EngineObject *self, PyObject *scorer, PyObject *msyl, PyObject *hints, long long hint_none) {
    const void *p;
    Py_ssize_t n6;
    if (!model_api) {
        model_api = PyCapsule_Import(PINZHU_MODEL_API_NAME, 0);
        if (!model_api) return -1;
        if (model_api->version != PINZHU_MODEL_API_VERSION) {
            model_api = NULL;
            PyErr_SetString(PyExc_ImportError, "Engine: pinzhu._modelcore has another C API version");
            return -1;
        }
    }
    int slots = model_api->slots(scorer);
    if (slots < 1) {
        PyErr_SetString(PyExc_TypeError, "Engine: scorer must be a pinzhu._modelcore.Scorer");
        return -1;
    }
    if (self->slots && slots != self->slots) {
        PyErr_Format(PyExc_ValueError, "Engine: the model has %d reading slots, not the %d announced", slots, self->slots);
        return -1;
    }
    if (engine_view(self, msyl, &p, &self->model_syl_len, 2, "model_syl") < 0) return -1;
    self->model_syl = p;
    if (engine_view(self, hints, &p, &n6, 8, "hint_slot") < 0) return -1;
    self->hint_slot = p;
    self->hint_none = hint_none;
    if (msyl == Py_None || self->model_syl_len % slots) {
        PyErr_SetString(PyExc_ValueError, "Engine: model_syl needs one entry per classifier row and slot");
        return -1;
    }
    if (hints != Py_None && n6 != self->tb.nt) {
        PyErr_SetString(PyExc_ValueError, "Engine: hint_slot needs one entry per code point");
        return -1;
    }
    self->slots = slots;
    Py_INCREF(scorer); self->scorer = scorer;
    return 0;
}

static int Engine_init(EngineObject *self, PyObject *args, PyObject *kwds) {
    PyObject *ixo, *uxo, *cs, *dsyl, *dshare, *cflags, *t2s, *scorer, *msyl, *hints, *full, *neutral;
    PyObject *loader = Py_None;
    long long hint_none;
    int slots = 0;
    if (self->held || self->index) {
        PyErr_SetString(PyExc_TypeError, "Engine is already initialised");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "O!OOOOOOOOOLOO|Oi", &IndexType, &ixo, &uxo, &cs, &dsyl, &dshare, &cflags, &t2s,
                          &scorer, &msyl, &hints, &hint_none, &full, &neutral, &loader, &slots))
        return -1;
    if (!((IndexObject *)ixo)->held || (uxo != Py_None && (!PyObject_TypeCheck(uxo, &IndexType)
                                                            || !((IndexObject *)uxo)->held))) {
        PyErr_SetString(PyExc_TypeError, "Engine: index and user index must be initialised Index objects (or None)");
        return -1;
    }
    Py_INCREF(ixo); self->index = ixo;
    if (uxo != Py_None) { Py_INCREF(uxo); self->user = uxo; }
    Py_ssize_t nt, n2, n3, n4, n5, n7, n8;
    const void *p;
    if (engine_view(self, cs, &p, &nt, 4, "char_score") < 0) return -1;
    self->tb.cs = p;
    if (engine_view(self, dsyl, &p, &n2, 2, "default_syl") < 0) return -1;
    self->tb.dsyl = p;
    if (engine_view(self, dshare, &p, &n3, 4, "default_share") < 0) return -1;
    self->tb.dshare = p;
    if (engine_view(self, cflags, &p, &n4, 1, "cflags") < 0) return -1;
    self->tb.cflags = p;
    if (engine_view(self, t2s, &p, &n5, 4, "t2s") < 0) return -1;
    self->tb.t2s = p;
    self->tb.nt = nt;
    if (nt < 1 || n2 != nt || n3 != nt || n4 != nt || (t2s != Py_None && n5 != nt)) {
        PyErr_SetString(PyExc_ValueError, "Engine: the tables must have one entry per code point of the same range");
        return -1;
    }
    if (engine_view(self, full, &p, &n7, 2, "full_tone") < 0) return -1;
    self->full_tone = p;
    if (engine_view(self, neutral, &p, &n8, 1, "is_neutral") < 0) return -1;
    self->is_neutral = p;
    self->n_syl = n8;
    if (full != Py_None && (n7 != nt || neutral == Py_None)) {
        PyErr_SetString(PyExc_ValueError, "Engine: full_tone needs one entry per code point, and is_neutral");
        return -1;
    }
    if (scorer != Py_None) return engine_set_model(self, scorer, msyl, hints, hint_none);
    if (loader != Py_None) {   /* the model comes on first need: loader() -> (scorer, model_syl, hint_slot, hint_none) */
        if (!PyCallable_Check(loader) || slots < 1) {
            PyErr_SetString(PyExc_TypeError, "Engine: a loader must be callable and come with the model's slots");
            return -1;
        }
        Py_INCREF(loader); self->loader = loader;
        self->slots = slots;
    }
    return 0;
}

/* The model, from the loader, the first time a text needs it. The loader runs Python (and
 * may let another thread in, which may call it too): whoever finishes second finds the model
 * bound and drops its copy, so the views are taken once. */
static int engine_load_model(EngineObject *self) {
    PyObject *loader = self->loader;
    Py_INCREF(loader);
    PyObject *res = PyObject_CallNoArgs(loader);
    Py_DECREF(loader);
    if (!res) return -1;
    if (self->scorer) { Py_DECREF(res); return 0; }
    PyObject *scorer, *msyl, *hints;
    long long hint_none;
    if (!PyArg_ParseTuple(res, "OOOL;the loader must return (scorer, model_syl, hint_slot, hint_none)", &scorer,
                          &msyl, &hints, &hint_none)) {
        Py_DECREF(res);
        return -1;
    }
    int rc = engine_set_model(self, scorer, msyl, hints, hint_none);
    Py_DECREF(res);
    if (rc == 0) Py_CLEAR(self->loader);
    return rc;
}

/* Scratch for reading texts of up to cap code points: one block, on the stack (inline) for
 * short texts, else on the heap. */
#define INLINE_CHARS 256
#define INLINE_SLOTS 8
#define SCRATCH_BYTES(c, sl) ((c) * (4 + 8 + 8 + 2 + 1 + 1 + 8 + 8 + 4 * (sl) + 4) + 64)

typedef struct {
    Py_ssize_t cap, mapped;
    void *heap;
    uint32_t *t;
    double *route;
    int64_t *choice;
    uint16_t *syl;
    uint8_t *src, *flags;
    int64_t *pos, *hints;
    float *z;
    int32_t *ci;
    _Alignas(16) char inline_block[SCRATCH_BYTES(INLINE_CHARS + 1, INLINE_SLOTS)];
} Scratch;

static void scratch_free(Scratch *s) {
    PyMem_Free(s->heap);
    s->heap = NULL;
    s->cap = 0;
    s->t = NULL;
}

static int scratch_fit(Scratch *s, Py_ssize_t n, int slots) {
    if (n <= s->cap && s->t) return 0;
    size_t sl = slots > 0 ? (size_t)slots : 1;
    char *block;
    Py_ssize_t cap;
    if (n <= INLINE_CHARS && sl <= INLINE_SLOTS) {
        scratch_free(s);
        cap = INLINE_CHARS;
        block = s->inline_block;
    } else {
        scratch_free(s);
        cap = n < 4 * INLINE_CHARS ? 4 * INLINE_CHARS : n;
        s->heap = PyMem_Malloc(SCRATCH_BYTES((size_t)cap + 1, sl));
        if (!s->heap) { PyErr_NoMemory(); return -1; }
        block = s->heap;
    }
    size_t c = (size_t)cap + 1;
    /* widest first, so every array stays aligned */
    s->route = (double *)block; block += c * 8;
    s->pos = (int64_t *)block; block += c * 8;
    s->hints = (int64_t *)block; block += c * 8;
    s->choice = (int64_t *)block; block += c * 8;
    s->t = (uint32_t *)block; block += c * 4;
    s->ci = (int32_t *)block; block += c * 4;
    s->z = (float *)block; block += c * sl * 4;
    s->syl = (uint16_t *)block; block += c * 2;
    s->src = (uint8_t *)block; block += c;
    s->flags = (uint8_t *)block;
    s->cap = cap;
    return 0;
}

/* The model, if the engine has a loader and none yet, when one of the n flags asks for it
 * (flags & 2). The loader runs Python; -1 with an exception set if it fails. */
static int engine_model_if_needed(EngineObject *e, const uint8_t *flags, Py_ssize_t n) {
    if (e->scorer || !e->loader) return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (flags[i] & 2) return engine_load_model(e);
    return 0;
}

/* The model's choice at pos[0..m) from its logits z (m * slots) and classifier rows ci,
 * written to syl/src (pos indexes them). */
static void engine_decide(const EngineObject *e, Py_ssize_t m, const int64_t *pos, const float *z,
                          const int32_t *ci, uint16_t *syl, uint8_t *src) {
    const int slots = e->slots;
    for (Py_ssize_t j = 0; j < m; j++) {
        if (ci[j] < 0) continue;   /* no classifier: the position keeps its reading */
        const float *zj = z + j * slots;
        int best = 0;   /* the first maximum, as numpy's argmax */
        for (int k = 1; k < slots; k++) if (zj[k] > zj[best]) best = k;
        Py_ssize_t at = (Py_ssize_t)ci[j] * slots + best;
        uint16_t id = at < e->model_syl_len ? e->model_syl[at] : 0;
        if (id) {
            syl[pos[j]] = id;
            src[pos[j]] = SRC_MODEL;
        }
    }
}

/* The positions of t[0..n) that segmentation flagged (flags & 2) for the model, from pos[0] on,
 * each with its hint slot; returns how many. */
static Py_ssize_t engine_flagged(const EngineObject *e, const uint32_t *t, Py_ssize_t n, const uint8_t *flags,
                                 Py_ssize_t base, int64_t *pos, int64_t *hints) {
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (flags[i] & 2) {
            pos[m] = base + i;
            hints[m] = e->hint_slot ? e->hint_slot[clip(&e->tb, t[i])] : e->hint_none;
            m++;
        }
    return m;
}

/* The model's choice at each position of t[0..n) that segmentation flagged (flags & 2), written
 * to syl/src. pos, hints: scratch of n; z: of n * slots; ci: of n. Needs e->scorer. */
static void engine_model(const EngineObject *e, const uint32_t *t, Py_ssize_t n, uint16_t *syl, uint8_t *src,
                         const uint8_t *flags, int64_t *pos, int64_t *hints, float *z, int32_t *ci) {
    Py_ssize_t m = engine_flagged(e, t, n, flags, 0, pos, hints);
    if (!m) return;
    model_api->score(e->scorer, t, n, pos, hints, m, z, ci);
    engine_decide(e, m, pos, z, ci, syl, src);
}

/* neutral="full": a lexicon word's neutral tone swapped for the character's full one. Each
 * position on its own, so it runs over one text or many texts laid end to end alike. */
static void engine_neutral(const EngineObject *e, const uint32_t *t, Py_ssize_t n, uint16_t *syl, const uint8_t *src) {
    if (!e->full_tone) return;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint16_t f = e->full_tone[clip(&e->tb, t[i])];
        uint16_t sy = syl[i];
        if ((src[i] & 3) == SRC_WORD && f && sy < e->n_syl && e->is_neutral[sy]) syl[i] = f;
    }
}

/* One text read completely (segmentation, the model, the neutral-tone swap) into s->syl/s->src.
 * The text is in s->t (as read), n code points. No Python objects touched, but for the
 * loader the first time a text needs the model; -1 with an exception set if it fails.
 * engine_pinyin_many runs the same steps, each over a run of texts (see there). */
static int engine_read(EngineObject *e, Scratch *s, Py_ssize_t n) {
    const IndexObject *ix = (const IndexObject *)e->index, *ux = (const IndexObject *)e->user;
    segment(&e->tb, ix, ux, s->t, n, s->route, s->choice, s->syl, s->src, NULL, s->flags);
    if (engine_model_if_needed(e, s->flags, n) < 0) return -1;
    if (e->scorer) engine_model(e, s->t, n, s->syl, s->src, s->flags, s->pos, s->hints, s->z, s->ci);
    engine_neutral(e, s->t, n, s->syl, s->src);
    return 0;
}

/* Whether every entry of a style table is an object the cycle collector does not track (str,
 * None: what the styles give): then the lists made of them cannot be part of a cycle. */
static int style_atomic(PyObject *style) {
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(style); k++)
        if (PyObject_GC_IsTracked(PyTuple_GET_ITEM(style, k))) return 0;
    return 1;
}

/* The style table: a tuple of one object per syllable id (id 0: None). untrack: the style is
 * atomic (style_atomic), so the list is taken off the cycle collector's lists, as CPython does
 * for a tuple of atoms. A batch of 30,000 lines made 30,000 tracked lists, and the collections
 * they set off (each full one walks every object the process holds: the lexicon's and the
 * names' tables) took a quarter to a third of the call; one call per line paid the same. */
static PyObject *syllables_list(const uint16_t *syl, Py_ssize_t n, PyObject *style, int untrack) {
    Py_ssize_t ns = PyTuple_GET_SIZE(style);
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint16_t sy = syl[i];
        PyObject *o = sy < ns ? PyTuple_GET_ITEM(style, sy) : Py_None;
        Py_INCREF(o);
        PyList_SET_ITEM(out, i, o);
    }
    if (untrack) PyObject_GC_UnTrack(out);
    return out;
}

static int engine_ready(EngineObject *self) {
    if (!self->index) {
        PyErr_SetString(PyExc_TypeError, "Engine is not initialised");
        return -1;
    }
    return 0;
}

/* A stage after the engine, in Python, that may change a few syllables (the names stage: a
 * surname read as a surname). first: per code point, uint16 bits saying where the stage could
 * apply (pinzhu.names.hook_table): 1 a one-character surname, 2 the first of a two-character
 * one, 4 a character that may start a cue after it, 8 one that may end a cue before it (or an
 * edge: punctuation), 16 one a given name may hold, 32 one a given name may start with, 64 the
 * second character of a two-character surname, 128 one a one-character given name may be (name-like
 * enough alone), 256 a one-character surname that needs a cue around a full name, 512 one that
 * may end a cue before a name that is more than an edge (a role, 姓, a joining word), 1024 姓,
 * 2048 one that may start a title a bare surname takes, 4096 one that may start a verb of
 * speech, 8192 a prefix of address (老单说: a bare surname speaks only after one). The hook
 * runs only where a surname starts a word two characters longer than itself whose last two may be
 * a given name (not a reduplication), or a word of its own length that one of the detection's
 * rules could take as a name: a cue right after it, or after a given name of one or two whole
 * words; a cue before it, with a given name after or none; the text's start or an edge, with a
 * given name after (see hook_positions). It gets (the text as read, the sources as bytes, those
 * positions) and returns (position, syllable id) pairs. */
typedef struct {
    const uint16_t *first;
    Py_ssize_t first_len;
    PyObject *hook;
} After;

static inline uint16_t after_bits(const After *af, uint32_t c) {
    return c < (uint32_t)af->first_len ? af->first[c] : 0;
}

/* Where the stage could apply (see After): word starts, written to pos; how many. t: the text
 * as read, src: the sources (SRC_CONT marks a word's later characters). Each test is one the
 * detection (pinzhu.names._is_name) cannot say yes without: tests/test_names_hook.py holds it
 * to that. */
static Py_ssize_t hook_positions(const uint16_t *first, Py_ssize_t first_len, const uint32_t *t, const uint8_t *src,
                                 Py_ssize_t n, int64_t *pos) {
    After a = {first, first_len, NULL};
    const After *af = &a;
    Py_ssize_t i = 0, m = 0;
    while (i < n) {
        Py_ssize_t e = i + 1;
        while (e < n && (src[e] & SRC_CONT)) e++;
        Py_ssize_t len = e - i;
        uint16_t f = after_bits(af, t[i]);
        if ((f & 2) && !(i + 1 < n && (after_bits(af, t[i + 1]) & 64))) f &= (uint16_t)~2;   /* no compound */
        int maybe = 0;
        if ((((f & 1) && len == 3) && !(f & 256)) || ((f & 2) && len == 4)) {   /* a listed person: a given name of two */
            Py_ssize_t j = e - 2;
            uint16_t g0 = after_bits(af, t[j]), g1 = after_bits(af, t[j + 1]);
            maybe = (g0 & 32) && (g0 & 128) && (g1 & 16) && (g1 & 128) && t[j] != t[j - 1];
        }
        if (!maybe && (((f & 1) && len == 1) || ((f & 2) && len == 2))) {   /* a surname on its own */
            uint16_t x = e < n ? after_bits(af, t[e]) : 0, y = e + 1 < n ? after_bits(af, t[e + 1]) : 0;
            uint16_t z = e + 2 < n ? after_bits(af, t[e + 2]) : 0;
            uint16_t before = i > 0 ? after_bits(af, t[i - 1]) : 0;
            /* a given name of one or two whole words right after it */
            int given1 = (x & 32) && (x & 128) && (e + 1 >= n || !(src[e + 1] & SRC_CONT));
            int given2 = (x & 32) && (y & 16) && e + 1 < n && (e + 2 >= n || !(src[e + 2] & SRC_CONT));
            int cue = (before & 512) != 0;                   /* a role, 姓, an address, a joining word */
            int edge = i == 0 || (before & 8);               /* or the start of a clause */
            if ((given1 && (y & 4)) || (given2 && (z & 4)))   /* a given name, then a cue */
                maybe = 1;
            else if (len == 1 && (f & 256))                    /* 都, 要: a full name after a cue, nothing less */
                maybe = cue && (given1 || given2);
            else
                maybe = (x & 2048)                             /* a title right after: 单先生 */
                        || ((x & 4096) && (before & 8192))     /* 老单说 */
                        || (before & 1024)                     /* 姓单曾: named so, whatever follows */
                        || (cue && (given1 || given2 || !(x & 16)))   /* 记者曾小明, 老单。 */
                        || (edge && (given1 || given2));       /* 单晓红昨天… */
        }
        if (maybe) pos[m++] = i;
        i = e;
    }
    return m;
}

/* t, src, syl: one text's (n code points as read); pos: scratch of n + 1. */
static Py_ssize_t after_where(const After *af, const uint32_t *t, const uint8_t *src, Py_ssize_t n, int64_t *pos) {
    if (!af || !af->hook) return 0;
    return hook_positions(af->first, af->first_len, t, src, n, pos);
}

/* The hook at pos[0..m): its pairs written to syl. mapped: whether t differs from text. */
static int after_apply(const After *af, const uint32_t *t, const uint8_t *src_, uint16_t *syl, const int64_t *pos,
                       Py_ssize_t n, Py_ssize_t m, Py_ssize_t mapped, PyObject *text) {
    PyObject *norm = mapped ? PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, t, n) : (Py_INCREF(text), text);
    if (!norm) return -1;
    PyObject *src = PyBytes_FromStringAndSize((const char *)src_, n);
    PyObject *where = PyList_New(m);
    if (!src || !where) { Py_DECREF(norm); Py_XDECREF(src); Py_XDECREF(where); return -1; }
    for (Py_ssize_t k = 0; k < m; k++) {
        PyObject *v = PyLong_FromSsize_t((Py_ssize_t)pos[k]);
        if (!v) { Py_DECREF(norm); Py_DECREF(src); Py_DECREF(where); return -1; }
        PyList_SET_ITEM(where, k, v);
    }
    PyObject *res = PyObject_CallFunctionObjArgs(af->hook, norm, src, where, NULL);
    Py_DECREF(norm); Py_DECREF(src); Py_DECREF(where);
    if (!res) return -1;
    if (res == Py_None) { Py_DECREF(res); return 0; }
    PyObject *seq = PySequence_Fast(res, "the hook must return (position, syllable id) pairs");
    Py_DECREF(res);
    if (!seq) return -1;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(seq); k++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(seq, k);
        Py_ssize_t at, sid;
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "the hook must return (position, syllable id) pairs");
            Py_DECREF(seq); return -1;
        }
        at = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 0));
        sid = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 1));
        if ((at == -1 || sid == -1) && PyErr_Occurred()) { Py_DECREF(seq); return -1; }
        if (at < 0 || at >= n || sid < 0 || sid > 0xFFFF) {
            PyErr_Format(PyExc_ValueError, "the hook returned position %zd, syllable %zd: out of range", at, sid);
            Py_DECREF(seq); return -1;
        }
        syl[at] = (uint16_t)sid;
    }
    Py_DECREF(seq);
    return 0;
}

/* One text read, the stage after run where needed: the syllable ids in s->syl. */
static int engine_text(EngineObject *self, Scratch *s, PyObject *text, const After *af) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (scratch_fit(s, n, self->slots) < 0) return -1;
    s->mapped = map_str(&self->tb, text, s->t);
    if (index_use((IndexObject *)self->index, n) < 0 || engine_read(self, s, n) < 0) return -1;
    Py_ssize_t m = after_where(af, s->t, s->src, n, s->pos);   /* the model is done with s->pos */
    if (m && after_apply(af, s->t, s->src, s->syl, s->pos, n, m, s->mapped, text) < 0) return -1;
    return 0;
}

/* One text -> [style[syllable id] for each character]. */
static PyObject *engine_pinyin(EngineObject *self, PyObject *text, PyObject *style, int untrack, const After *af) {
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "pinyin: text must be str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    Scratch s;
    s.heap = NULL; s.t = NULL; s.cap = 0;
    PyObject *out = NULL;
    if (engine_text(self, &s, text, af) == 0) out = syllables_list(s.syl, PyUnicode_GET_LENGTH(text), style, untrack);
    scratch_free(&s);
    return out;
}

/* Scratch for a run of texts laid end to end (engine_pinyin_many): per code point of the run,
 * the text as read, syllables, sources, flags and the model's scratch; per text, where it
 * starts and whether it was mapped; route and choice for the longest text. */
#define RUN_CHARS 8192
#define RUN_TEXTS 512

typedef struct {
    Py_ssize_t cap, cap_texts, cap_route;
    int slots;
    uint32_t *t;
    uint16_t *syl;
    uint8_t *src, *flags;
    int64_t *pos, *hints, *lo, *hi, *choice;
    double *route;
    float *z;
    int32_t *ci;
    Py_ssize_t *off, *mapped;
} Run;

static void run_free(Run *r) {
    PyMem_Free(r->t); PyMem_Free(r->syl); PyMem_Free(r->src); PyMem_Free(r->flags); PyMem_Free(r->pos);
    PyMem_Free(r->hints); PyMem_Free(r->lo); PyMem_Free(r->hi); PyMem_Free(r->choice); PyMem_Free(r->route);
    PyMem_Free(r->z); PyMem_Free(r->ci); PyMem_Free(r->off); PyMem_Free(r->mapped);
    memset(r, 0, sizeof *r);
}

/* Room for chars code points in texts texts, the longest of longest, and the model's scratch
 * for slots reading slots (what is there is kept when only the slots grow). */
static int run_fit(Run *r, Py_ssize_t chars, Py_ssize_t texts, Py_ssize_t longest, int slots) {
    if (slots < 1) slots = 1;
    if (chars > r->cap) {
        size_t c = (size_t)(chars > RUN_CHARS ? chars : RUN_CHARS) + 1;
        PyMem_Free(r->t); PyMem_Free(r->syl); PyMem_Free(r->src); PyMem_Free(r->flags); PyMem_Free(r->pos);
        PyMem_Free(r->hints); PyMem_Free(r->lo); PyMem_Free(r->hi); PyMem_Free(r->ci); PyMem_Free(r->z);
        r->t = PyMem_Malloc(c * 4); r->syl = PyMem_Malloc(c * 2); r->src = PyMem_Malloc(c);
        r->flags = PyMem_Malloc(c); r->pos = PyMem_Malloc(c * 8); r->hints = PyMem_Malloc(c * 8);
        r->lo = PyMem_Malloc(c * 8); r->hi = PyMem_Malloc(c * 8); r->ci = PyMem_Malloc(c * 4); r->z = NULL;
        r->cap = r->slots = 0;
        if (!r->t || !r->syl || !r->src || !r->flags || !r->pos || !r->hints || !r->lo || !r->hi || !r->ci) {
            PyErr_NoMemory(); return -1;
        }
        r->cap = (Py_ssize_t)c - 1;
    }
    if (slots > r->slots) {
        PyMem_Free(r->z);
        r->z = PyMem_Malloc(((size_t)r->cap + 1) * (size_t)slots * 4);
        if (!r->z) { r->slots = 0; PyErr_NoMemory(); return -1; }
        r->slots = slots;
    }
    if (longest > r->cap_route || !r->route) {
        size_t c = (size_t)(longest > 1024 ? longest : 1024) + 1;
        PyMem_Free(r->route); PyMem_Free(r->choice);
        r->route = PyMem_Malloc(c * 8); r->choice = PyMem_Malloc(c * 8);
        r->cap_route = 0;
        if (!r->route || !r->choice) { PyErr_NoMemory(); return -1; }
        r->cap_route = (Py_ssize_t)c - 1;
    }
    if (texts > r->cap_texts) {
        size_t c = (size_t)(texts > RUN_TEXTS ? texts : RUN_TEXTS);
        PyMem_Free(r->off); PyMem_Free(r->mapped);
        r->off = PyMem_Malloc((c + 1) * sizeof(Py_ssize_t)); r->mapped = PyMem_Malloc(c * sizeof(Py_ssize_t));
        r->cap_texts = 0;
        if (!r->off || !r->mapped) { PyErr_NoMemory(); return -1; }
        r->cap_texts = (Py_ssize_t)c;
    }
    return 0;
}

/* The bigram slots segment() probes first for t[0..n) (it runs from the end), asked for ahead. */
static inline void prefetch_tail(const IndexObject *ix, const uint32_t *t, Py_ssize_t n) {
    for (Py_ssize_t i = n - 2; ix->bigrams && i >= 0 && i >= n - 1 - PREFETCH; i--)
        __builtin_prefetch(&ix->bigrams[bigram_hash(t[i], t[i + 1], ix->bigram_bits)]);
}

/* Many texts, each read alone -> a list of engine_pinyin's lists. The same steps as
 * engine_text, each over a run of texts (up to RUN_CHARS code points, or one longer text)
 * before the next: all mapped, all segmented (the next text's first probes asked for while
 * one is segmented), the model over all their positions in one call (score_spans in
 * _modelcore.h), the neutral-tone swap over the run, then per text the stage after and its
 * list. A short line alone paid for its probes' cache misses one after another, and
 * segmentation and the model took turns evicting each other's tables. Each step reads only
 * its own text's code points, so every text reads as it does alone. */
static PyObject *engine_pinyin_many(EngineObject *self, PyObject *texts, PyObject *style, int untrack,
                                    const After *af) {
    /* a tuple: the loader and the hook run Python, which may change a list passed in */
    PyObject *seq = PySequence_Tuple(texts);
    if (!seq) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "pinyin_many: texts must be a sequence of str");
        }
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(seq);
    PyObject *out = PyList_New(count);
    Run r;
    memset(&r, 0, sizeof r);
    if (!out) goto fail;
    const IndexObject *ix = (const IndexObject *)self->index, *ux = (const IndexObject *)self->user;
    for (Py_ssize_t k0 = 0; k0 < count;) {
        Py_ssize_t k1 = k0, chars = 0, longest = 0;
        while (k1 < count && k1 - k0 < RUN_TEXTS) {
            PyObject *text = PyTuple_GET_ITEM(seq, k1);
            if (!PyUnicode_Check(text)) {
                PyErr_Format(PyExc_TypeError, "pinyin_many: texts[%zd] is %.100s, not str", k1, Py_TYPE(text)->tp_name);
                goto fail;
            }
            Py_ssize_t n = PyUnicode_GET_LENGTH(text);
            if (k1 > k0 && chars + n > RUN_CHARS) break;
            chars += n;
            if (n > longest) longest = n;
            k1++;
        }
        Py_ssize_t nt = k1 - k0;
        if (run_fit(&r, chars, nt, longest, self->slots) < 0) goto fail;
        r.off[0] = 0;
        for (Py_ssize_t j = 0; j < nt; j++) {
            PyObject *text = PyTuple_GET_ITEM(seq, k0 + j);
            r.mapped[j] = map_str(&self->tb, text, r.t + r.off[j]);
            r.off[j + 1] = r.off[j] + PyUnicode_GET_LENGTH(text);
        }
        if (index_use((IndexObject *)ix, chars) < 0) goto fail;
        if (nt) prefetch_tail(ix, r.t, r.off[1]);
        for (Py_ssize_t j = 0; j < nt; j++) {
            Py_ssize_t a = r.off[j], n = r.off[j + 1] - a;
            if (j + 1 < nt) prefetch_tail(ix, r.t + r.off[j + 1], r.off[j + 2] - r.off[j + 1]);
            segment(&self->tb, ix, ux, r.t + a, n, r.route, r.choice, r.syl + a, r.src + a, NULL, r.flags + a);
        }
        if (engine_model_if_needed(self, r.flags, chars) < 0) goto fail;
        if (self->scorer) {
            if (run_fit(&r, chars, nt, longest, self->slots) < 0) goto fail;   /* the model's slots, now known */
            Py_ssize_t m = 0;   /* the run's flagged positions, each scored within its own text */
            for (Py_ssize_t j = 0; j < nt; j++) {
                Py_ssize_t a = r.off[j], n = r.off[j + 1] - a;
                Py_ssize_t mj = engine_flagged(self, r.t + a, n, r.flags + a, a, r.pos + m, r.hints + m);
                for (Py_ssize_t q = m; q < m + mj; q++) { r.lo[q] = a; r.hi[q] = a + n; }
                m += mj;
            }
            if (m) {
                model_api->score_spans(self->scorer, r.t, r.lo, r.hi, r.pos, r.hints, m, r.z, r.ci);
                engine_decide(self, m, r.pos, r.z, r.ci, r.syl, r.src);
            }
        }
        engine_neutral(self, r.t, chars, r.syl, r.src);
        for (Py_ssize_t j = 0; j < nt; j++) {
            PyObject *text = PyTuple_GET_ITEM(seq, k0 + j);
            Py_ssize_t a = r.off[j], n = r.off[j + 1] - a;
            Py_ssize_t m = after_where(af, r.t + a, r.src + a, n, r.pos);
            if (m && after_apply(af, r.t + a, r.src + a, r.syl + a, r.pos, n, m, r.mapped[j], text) < 0) goto fail;
            PyObject *one = syllables_list(r.syl + a, n, style, untrack);
            if (!one) goto fail;
            PyList_SET_ITEM(out, k0 + j, one);
        }
        k0 = k1;
    }
    run_free(&r);
    Py_DECREF(seq);
    return out;
fail:
    run_free(&r);
    Py_XDECREF(out);
    Py_DECREF(seq);
    return NULL;
}

/* pinyin(text, style) -> one entry of style per character: style[syllable id]. */
static PyObject *Engine_pinyin(EngineObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (engine_ready(self) < 0) return NULL;
    if (nargs != 2 || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "pinyin(text: str, style: tuple)");
        return NULL;
    }
    return engine_pinyin(self, args[0], args[1], 0, NULL);
}

/* pinyin_many(texts, style) -> [pinyin(text, style) for text in texts], each text read alone. */
static PyObject *Engine_pinyin_many(EngineObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (engine_ready(self) < 0) return NULL;
    if (nargs != 2 || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "pinyin_many(texts: sequence of str, style: tuple)");
        return NULL;
    }
    return engine_pinyin_many(self, args[0], args[1], style_atomic(args[1]), NULL);
}

/* ---------------------------------------------------------------- Styled: an engine and a style */

/* Engine.styled(style, first=None, hook=None) -> a callable: styled(text) is
 * engine.pinyin(text, style) (then the stage after, where first and hook are given: see
 * After), and styled.many(texts) the same for each text. What pinzhu.pinyin() keeps per
 * (options, tone), so a call is one vectorcall into C. */
typedef struct {
    PyObject_HEAD
    EngineObject *engine;
    PyObject *style, *first_obj;
    Py_buffer first;
    After after;
    int untrack;   /* style_atomic(style) */
    vectorcallfunc vectorcall;
} StyledObject;

static void Styled_dealloc(StyledObject *self) {
    if (self->first_obj) PyBuffer_Release(&self->first);
    Py_XDECREF(self->engine); Py_XDECREF(self->style); Py_XDECREF(self->first_obj); Py_XDECREF(self->after.hook);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Styled_vectorcall(StyledObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "takes one argument: the text");
        return NULL;
    }
    return engine_pinyin(self->engine, args[0], self->style, self->untrack, &self->after);
}

static PyObject *Styled_many(StyledObject *self, PyObject *texts) {
    return engine_pinyin_many(self->engine, texts, self->style, self->untrack, &self->after);
}

static PyMethodDef Styled_methods[] = {
    {"many", (PyCFunction)Styled_many, METH_O, "many(texts) -> [self(text) for text in texts], each text read alone"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject StyledType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pinzhu._segcore.Styled",
    .tp_basicsize = sizeof(StyledObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(StyledObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_dealloc = (destructor)Styled_dealloc,
    .tp_methods = Styled_methods,
    .tp_doc = "An Engine with a style table: call it with a text (see Engine.styled).",
};

static PyObject *Engine_styled(EngineObject *self, PyObject *args) {
    PyObject *style, *first = Py_None, *hook = Py_None;
    if (engine_ready(self) < 0) return NULL;
    if (!PyArg_ParseTuple(args, "O!|OO", &PyTuple_Type, &style, &first, &hook)) return NULL;
    if ((first == Py_None) != (hook == Py_None) || (hook != Py_None && !PyCallable_Check(hook))) {
        PyErr_SetString(PyExc_TypeError, "styled(style, first, hook): first and a callable hook go together");
        return NULL;
    }
    StyledObject *st = PyObject_New(StyledObject, &StyledType);
    if (!st) return NULL;
    Py_INCREF(self); st->engine = self;
    Py_INCREF(style); st->style = style;
    st->untrack = style_atomic(style);
    st->first_obj = NULL;
    st->after.first = NULL; st->after.first_len = 0; st->after.hook = NULL;
    st->vectorcall = (vectorcallfunc)Styled_vectorcall;
    if (hook != Py_None) {
        if (PyObject_GetBuffer(first, &st->first, PyBUF_C_CONTIGUOUS) < 0) { Py_DECREF(st); return NULL; }
        Py_INCREF(first); st->first_obj = first;
        if (st->first.itemsize != 2) {
            PyErr_SetString(PyExc_ValueError, "styled: first must be uint16, one per code point");
            Py_DECREF(st); return NULL;
        }
        st->after.first = st->first.buf;
        st->after.first_len = st->first.len / 2;
        Py_INCREF(hook); st->after.hook = hook;
    }
    return (PyObject *)st;
}

/* read(text, out_syl u16, out_src u8, out_prob f32, out_flags u8, out_norm u32) -> mapped:
 * segmentation only, as the module's read() with the bound tables (the model and the
 * neutral-tone swap are the caller's: pinzhu.read composes them in Python). */
static PyObject *Engine_read(EngineObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer b[5];
    memset(b, 0, sizeof b);
    if (engine_ready(self) < 0) return NULL;
    if (!PyArg_ParseTuple(args, "Uw*w*w*w*w*", &text, &b[0], &b[1], &b[2], &b[3], &b[4])) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    double *route = NULL; int64_t *choice = NULL;
    if (b[0].len != n * 2 || b[1].len != n || b[2].len != n * 4 || b[3].len != n || b[4].len != n * 4) {
        PyErr_SetString(PyExc_ValueError, "read: output buffers must hold one item per code point");
        goto done;
    }
    route = PyMem_Malloc((size_t)(n + 1) * sizeof(double));
    choice = PyMem_Malloc((size_t)(n + 1) * sizeof(int64_t));
    if (!route || !choice) { PyErr_NoMemory(); goto done; }
    Py_ssize_t mapped = map_str(&self->tb, text, b[4].buf);
    if (index_use((IndexObject *)self->index, n) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    segment(&self->tb, (IndexObject *)self->index, (IndexObject *)self->user, b[4].buf, n, route, choice,
            b[0].buf, b[1].buf, b[2].buf, b[3].buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(mapped);
done:
    PyMem_Free(route); PyMem_Free(choice);
    for (int k = 0; k < 5; k++) PyBuffer_Release(&b[k]);
    return result;
}

static PyObject *Engine_has_model(EngineObject *self, void *closure) {
    return PyBool_FromLong(self->scorer != NULL || self->loader != NULL);
}

static PyObject *Engine_model_loaded(EngineObject *self, void *closure) {
    return PyBool_FromLong(self->scorer != NULL);
}

static PyMethodDef Engine_methods[] = {
    {"pinyin", (PyCFunction)(void (*)(void))Engine_pinyin, METH_FASTCALL,
     "pinyin(text, style) -> [style[syllable id] for each character]: the whole reading in one call"},
    {"pinyin_many", (PyCFunction)(void (*)(void))Engine_pinyin_many, METH_FASTCALL,
     "pinyin_many(texts, style) -> [pinyin(text, style) for text in texts]"},
    {"styled", (PyCFunction)Engine_styled, METH_VARARGS,
     "styled(style, first=None, hook=None) -> f: f(text) == pinyin(text, style) (then the hook where "
     "first says it may apply), f.many(texts) the same for each text"},
    {"read", (PyCFunction)Engine_read, METH_VARARGS,
     "read(text, out_syl, out_src, out_prob, out_flags, out_norm) -> mapped: segmentation only"},
    {NULL, NULL, 0, NULL}
};

static PyGetSetDef Engine_getset[] = {
    {"has_model", (getter)Engine_has_model, NULL, "whether the model decides inside the engine", NULL},
    {"model_loaded", (getter)Engine_model_loaded, NULL, "whether the model is bound (not waiting for its loader)", NULL},
    {NULL, NULL, NULL, NULL, NULL}
};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pinzhu._segcore.Engine",
    .tp_basicsize = sizeof(EngineObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Engine_init,
    .tp_dealloc = (destructor)Engine_dealloc,
    .tp_methods = Engine_methods,
    .tp_getset = Engine_getset,
    .tp_doc = "The reading engine's tables, indexes and model, bound once (see the file header).",
};

/* hook_positions(first u16, text u32, src u8) -> [positions]: where the stage after the engine
 * could apply (see After), for a Reading made elsewhere (pinzhu.names.detect). */
static PyObject *seg_hook_positions(PyObject *mod, PyObject *args) {
    Py_buffer b[3];
    memset(b, 0, sizeof b);
    PyObject *first;
    if (!PyArg_ParseTuple(args, "Oy*y*", &first, &b[1], &b[2])) return NULL;
    if (PyObject_GetBuffer(first, &b[0], PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&b[1]); PyBuffer_Release(&b[2]);
        return NULL;
    }
    PyObject *out = NULL;
    int64_t *pos = NULL;
    Py_ssize_t n = b[2].len;
    if (b[0].itemsize != 2) {
        PyErr_SetString(PyExc_ValueError, "hook_positions: first must be uint16, one per code point");
        goto done;
    }
    if (b[1].len != n * 4) {
        PyErr_SetString(PyExc_ValueError, "hook_positions: text (uint32) and src (uint8) must have the same length");
        goto done;
    }
    pos = PyMem_Malloc((size_t)(n + 1) * sizeof(int64_t));
    if (!pos) { PyErr_NoMemory(); goto done; }
    Py_ssize_t m = hook_positions(b[0].buf, b[0].len / 2, b[1].buf, b[2].buf, n, pos);
    out = PyList_New(m);
    for (Py_ssize_t k = 0; out && k < m; k++) {
        PyObject *v = PyLong_FromSsize_t((Py_ssize_t)pos[k]);
        if (!v) { Py_CLEAR(out); break; }
        PyList_SET_ITEM(out, k, v);
    }
done:
    PyMem_Free(pos);
    for (int k = 0; k < 3; k++) PyBuffer_Release(&b[k]);
    return out;
}

static PyMethodDef module_methods[] = {
    {"hook_positions", seg_hook_positions, METH_VARARGS,
     "hook_positions(first_u16, text_u32, src_u8) -> positions where the stage after the engine could apply"},
    {"read", seg_read, METH_VARARGS,
     "read(index, user_index, text, char_score, default_syl, default_share, cflags, t2s, "
     "out_syl, out_src, out_prob, out_flags, out_norm) -> number of characters mapped"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "pinzhu._segcore", "Maximum-probability segmentation core.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__segcore(void) {
    if (PyType_Ready(&IndexType) < 0 || PyType_Ready(&EngineType) < 0 || PyType_Ready(&StyledType) < 0) return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&IndexType);
    if (PyModule_AddObject(m, "Index", (PyObject *)&IndexType) < 0) {
        Py_DECREF(&IndexType); Py_DECREF(m); return NULL;
    }
    Py_INCREF(&EngineType);
    if (PyModule_AddObject(m, "Engine", (PyObject *)&EngineType) < 0) {
        Py_DECREF(&EngineType); Py_DECREF(m); return NULL;
    }
    return m;
}
