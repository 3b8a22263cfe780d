/* pinzhu._parsecore: strip's scan of a text, in C, for the common annotation.
 *
 * Corpus strip spends its time on bracketed word annotations right after their characters
 * (这(zhè), 银行(yínháng)): per annotation, Python found the bracket, walked back over the gap,
 * spelled the pinyin, fitted it to the characters' readings and made an Annotation, only for
 * strip to keep two offsets. This does those steps for the annotations it can decide alone and
 * hands every other candidate back to Python (pinzhu/parse.py), which decides it as before.
 *
 * Scanner(flags, spell, readings, longest, max_syllables, max_written, max_gap, max_sentence):
 *   flags: uint16 per BMP code point (the character classes of parse.py's regular expressions,
 *     F_* below; astral code points: Han and variation selectors, by range);
 *   spell: uint16 per BMP code point, how parse._spell reads the character alone (SP_* below;
 *     0: not decided here);
 *   readings: a callable, ch -> the toneless readings (str) of a Han character (parse._char_readings);
 *   longest: the longest toneless syllable; the rest: parse.py's constants.
 * Scanner.strip(text) -> the text without its annotations, when every candidate was decided here;
 *   else a list, in text order, of (cut_start, cut_end, open, close, direct) for the annotations
 *   decided here and (open, close, content) for the candidates Python must decide.
 *
 * Decided here: a bracket of pinyin-like text (parse._BRACKET, its pair matching) whose gap
 * (parse._gap) ends at a Han character, whose content parse._spell reads letter by letter (plain
 * and toned Latin letters, digits 0-5, separators; no zhuyin), and whose letters fit the plain Han
 * run before it (parse._fit_guided finds a fit: here only whether one exists, which is all strip
 * needs; no 儿/兒 in the run), unless it is capitalised and untoned (a name gloss or a neutral
 * syllable: parse._neutral decides). Skipped: a bracket with nothing before its gap, or neither a
 * Han character nor a sentence end there. parse.scan_py is the pure-Python twin the tests hold
 * this equal to.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum {
    F_HAN = 1, F_SPACING = 2, F_MARK = 4, F_INNER = 8, F_CJKP = 16, F_WORD = 32, F_ZHUYIN = 64,
    F_OPEN = 128, F_CLOSE = 256, F_SENTENCE_END = 512
};
/* spell codes: a letter (its byte, | tone << 8, | SP_UPPER), a digit (SP_DIGIT | value), a separator */
enum { SP_UPPER = 0x800, SP_DIGIT = 0x1000, SP_SEP = 0x2000 };

#define TSIZE 0x323B1      /* Han code points up to here (lexicon.TABLE_SIZE) */
#define MAX_LETTERS 128
#define MAX_BASE 15

typedef struct {
    int n;
    struct { unsigned char len; char b[MAX_BASE + 1]; } e[];
} Readings;

typedef struct {
    PyObject_HEAD
    uint16_t flags[0x10000];
    uint16_t spell[0x10000];
    PyObject *readings_of;
    Readings **table;      /* per code point, loaded on first use */
    int longest, max_syllables, max_written, max_gap, max_sentence;
} Scanner;

static inline unsigned cflags(const Scanner *s, Py_UCS4 c) {
    if (c < 0x10000) return s->flags[c];
    if (c >= 0x20000 && c <= 0x3134F) return F_HAN;
    if (c >= 0xE0100 && c <= 0xE01EF) return F_MARK | F_INNER;   /* variation selectors supplement */
    return 0;
}

static Readings *readings(Scanner *s, Py_UCS4 c) {
    if (c >= TSIZE) { PyErr_SetString(PyExc_ValueError, "not a Han code point"); return NULL; }
    if (s->table[c]) return s->table[c];
    PyObject *ch = PyUnicode_FromOrdinal((int)c);
    if (!ch) return NULL;
    PyObject *got = PyObject_CallOneArg(s->readings_of, ch);
    Py_DECREF(ch);
    if (!got) return NULL;
    PyObject *seq = PySequence_Fast(got, "readings must be a sequence of str");
    Py_DECREF(got);
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    Readings *r = PyMem_Calloc(1, sizeof(Readings) + (size_t)n * sizeof(r->e[0]));
    if (!r) { Py_DECREF(seq); PyErr_NoMemory(); return NULL; }
    r->n = (int)n;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t len;
        const char *b = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(seq, k), &len);
        if (!b) { PyMem_Free(r); Py_DECREF(seq); return NULL; }
        if (len < 1 || len > MAX_BASE) {
            PyErr_SetString(PyExc_ValueError, "a reading longer than the scanner holds");
            PyMem_Free(r); Py_DECREF(seq); return NULL;
        }
        r->e[k].len = (unsigned char)len;
        memcpy(r->e[k].b, b, (size_t)len);
    }
    Py_DECREF(seq);
    s->table[c] = r;
    return r;
}

/* One candidate's spelling and run, for the fit. */
typedef struct {
    char letters[MAX_LETTERS];
    unsigned char mark[MAX_LETTERS];       /* tone from a mark on letter i */
    unsigned char digit[MAX_LETTERS + 1];  /* tone from a digit at boundary i */
    unsigned char hard[MAX_LETTERS + 1];
    int nxt[MAX_LETTERS + 1];              /* first hard boundary after i (n + 1: none) */
    int cnt[MAX_LETTERS + 1];              /* marks before i */
    int n, L;
    Py_UCS4 run[MAX_LETTERS];
    unsigned char failed[(MAX_LETTERS + 1) * (MAX_LETTERS + 1)];
} Fit;

static int has_base(const Readings *r, const char *b, int len) {
    for (int k = 0; k < r->n; k++)
        if (r->e[k].len == len && memcmp(r->e[k].b, b, (size_t)len) == 0) return 1;
    return 0;
}

/* parse._fit_guided's walk, asking only whether some split of letters[:j] reads run[:c] (its
 * last c characters' syllables end at j): 1 yes, 0 no, -1 error. The depth is L - c (one
 * character per syllable), so a failed (j, c) fails whatever path reached it. */
static int fits(Scanner *s, Fit *f, int j, int c) {
    int digit = f->digit[j];
    if (f->L - c >= s->max_syllables || (digit && j < f->n && !f->hard[j])) return 0;
    if (c == 0) return 0;
    unsigned char *failed = &f->failed[j * (f->L + 1) + c];
    if (*failed) return 0;
    Readings *r = readings(s, f->run[c - 1]);
    if (!r) return -1;
    for (int k = 0; k < r->n; k++) {
        int len = r->e[k].len, i = j - len;
        const char *b = r->e[k].b;
        if (i < 0) continue;
        int ok = memcmp(f->letters + i, b, (size_t)len) == 0;
        if (!ok && len >= 2 && b[1] == 'v' && (b[0] == 'l' || b[0] == 'n')) {   /* lü written lu */
            char u[MAX_BASE + 1];
            memcpy(u, b, (size_t)len);
            u[1] = 'u';
            ok = !has_base(r, u, len) && memcmp(f->letters + i, u, (size_t)len) == 0;
        }
        if (!ok || j - i > s->longest || f->nxt[i] < j) continue;
        int m = f->cnt[j] - f->cnt[i];
        if (m > 1 || (m && digit)) continue;
        if (i == 0) return 1;
        int got = fits(s, f, i, c - 1);
        if (got) return got;
    }
    *failed = 1;
    return 0;
}

typedef struct { Py_ssize_t cut_start, cut_end, op, cl; int direct; } Cut;

/* Decide the bracket [op, cl): 1 an annotation (cut filled), 0 nothing there, 2 Python decides,
 * -1 error. */
static int decide(Scanner *s, int kind, const void *data, Py_ssize_t len, Py_ssize_t op, Py_ssize_t cl,
                  Fit *f, Cut *cut) {
    Py_ssize_t before, lead;
    if (op > 0 && (cflags(s, PyUnicode_READ(kind, data, op - 1)) & F_HAN)) {
        before = op - 1;
        lead = op;
    } else {
        Py_ssize_t i = op;
        while (i > 0 && op - i < s->max_gap && (cflags(s, PyUnicode_READ(kind, data, i - 1)) & F_SPACING)) i--;
        lead = i;
        while (i > 0 && lead - i < s->max_gap && (cflags(s, PyUnicode_READ(kind, data, i - 1)) & F_MARK)) i--;
        before = i - 1;
    }
    if (before < 0) return 0;
    unsigned anchor = cflags(s, PyUnicode_READ(kind, data, before));
    if (!(anchor & F_HAN)) return (anchor & F_SENTENCE_END) ? 2 : 0;
    Py_ssize_t clen = cl - op - 2;
    if (clen > s->max_written || clen > MAX_LETTERS) return 2;
    int n = 0, toned = 0, upper = 0;
    memset(f->digit, 0, sizeof f->digit);
    memset(f->hard, 0, sizeof f->hard);
    for (Py_ssize_t k = op + 1; k < cl - 1; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k);
        unsigned code = c < 0x10000 ? s->spell[c] : 0;
        if (!code) return 2;
        if (code & SP_SEP) {
            f->hard[n] = 1;
        } else if (code & SP_DIGIT) {
            if (n == 0 || f->digit[n]) return 2;   /* parse._spell: not pinyin */
            f->digit[n] = (unsigned char)(code & 0xff);
            f->hard[n] = 1;
            toned = 1;
        } else {
            f->letters[n] = (char)(code & 0xff);
            f->mark[n] = (unsigned char)((code >> 8) & 7);
            toned |= f->mark[n] != 0;
            upper |= (code & SP_UPPER) != 0;
            n++;
        }
    }
    if (n == 0 || (upper && !toned)) return 2;
    f->n = n;
    f->nxt[n] = n + 1;
    for (int i = n - 1; i >= 0; i--) f->nxt[i] = f->hard[i + 1] ? i + 1 : f->nxt[i + 1];
    f->cnt[0] = 0;
    for (int i = 0; i < n; i++) f->cnt[i + 1] = f->cnt[i] + (f->mark[i] != 0);
    /* The plain Han run before the gap, at most n characters. */
    Py_ssize_t lo = before + 1 - n, first = before;
    if (lo < 0) lo = 0;
    while (first > lo && (cflags(s, PyUnicode_READ(kind, data, first - 1)) & F_HAN)) first--;
    int L = (int)(before + 1 - first);
    for (int k = 0; k < L; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, first + k);
        if (c == 0x513F || c == 0x5152) return 2;   /* 儿 兒: erhua, parse._fit_pieces */
        f->run[k] = c;
    }
    f->L = L;
    memset(f->failed, 0, (size_t)(n + 1) * (size_t)(L + 1));
    int got = fits(s, f, n, L);
    if (got < 0) return -1;
    if (!got) return 2;
    cut->op = op;
    cut->cl = cl;
    cut->cut_start = lead;
    cut->cut_end = cl;
    if (lead != op) {   /* parse._trail */
        Py_ssize_t k = cl;
        while (k < len && k - cl < s->max_gap && (cflags(s, PyUnicode_READ(kind, data, k)) & F_SPACING)) k++;
        if (k > cl && k < len && (cflags(s, PyUnicode_READ(kind, data, k)) & (F_HAN | F_CJKP))) cut->cut_end = k;
    }
    cut->direct = 1;
    for (Py_ssize_t k = before + 1; k < op; k++)
        if (!(cflags(s, PyUnicode_READ(kind, data, k)) & F_INNER)) { cut->direct = 0; break; }
    return 1;
}

static int closes(Py_UCS4 open, Py_UCS4 close) {
    if (open == '(' || open == 0xFF08) return close == ')' || close == 0xFF09;
    if (open == '[' || open == 0xFF3B) return close == ']' || close == 0xFF3D;
    return open == 0x3010 && close == 0x3011;
}

/* parse._BRACKET at op (an opening bracket): the end of the match, or 0. */
static Py_ssize_t bracket_end(const Scanner *s, int kind, const void *data, Py_ssize_t len, Py_ssize_t op) {
    Py_ssize_t q = op + 1;
    while (q < len && q - op <= s->max_sentence && (cflags(s, PyUnicode_READ(kind, data, q)) & F_WORD)) q++;
    if (q > op + 1 && q - op - 1 <= s->max_sentence && q < len && (cflags(s, PyUnicode_READ(kind, data, q)) & F_CLOSE))
        return q + 1;
    q = op + 1;
    while (q < len && q - op <= s->max_written && (cflags(s, PyUnicode_READ(kind, data, q)) & F_ZHUYIN)) q++;
    if (q > op + 1 && q - op - 1 <= s->max_written && q < len && (cflags(s, PyUnicode_READ(kind, data, q)) & F_CLOSE))
        return q + 1;
    return 0;
}

static PyObject *item_of(PyObject *text, const Cut *c, Py_ssize_t op, Py_ssize_t cl, int decided) {
    if (decided)
        return Py_BuildValue("(nnnnO)", c->cut_start, c->cut_end, c->op, c->cl, c->direct ? Py_True : Py_False);
    PyObject *content = PyUnicode_Substring(text, op + 1, cl - 1);
    if (!content) return NULL;
    PyObject *t = Py_BuildValue("(nnN)", op, cl, content);
    return t;
}

static PyObject *Scanner_strip(Scanner *s, PyObject *text) {
    if (!PyUnicode_Check(text)) { PyErr_SetString(PyExc_TypeError, "text must be str"); return NULL; }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    Fit *f = NULL;
    Cut *cuts = NULL;
    Py_ssize_t ncuts = 0, cap = 0;
    PyObject *items = NULL;    /* made at the first candidate Python must decide */
    PyObject *result = NULL;
    for (Py_ssize_t p = 0; p < len; p++) {
        if (!(cflags(s, PyUnicode_READ(kind, data, p)) & F_OPEN)) continue;
        Py_ssize_t cl = bracket_end(s, kind, data, len, p);
        if (!cl) continue;
        Py_ssize_t op = p;
        p = cl - 1;   /* the next search starts at the match's end */
        if (!closes(PyUnicode_READ(kind, data, op), PyUnicode_READ(kind, data, cl - 1))) continue;
        if (!f && !(f = PyMem_Malloc(sizeof(Fit)))) { PyErr_NoMemory(); goto done; }
        Cut c;
        int got = decide(s, kind, data, len, op, cl, f, &c);
        if (got < 0) goto done;
        if (got == 0) continue;
        if (got == 2 && !items) {   /* from here on, a list: what was decided so far first */
            if (!(items = PyList_New(0))) goto done;
            for (Py_ssize_t k = 0; k < ncuts; k++) {
                PyObject *it = item_of(text, &cuts[k], 0, 0, 1);
                if (!it || PyList_Append(items, it) < 0) { Py_XDECREF(it); goto done; }
                Py_DECREF(it);
            }
        }
        if (items) {
            PyObject *it = item_of(text, &c, op, cl, got == 1);
            if (!it || PyList_Append(items, it) < 0) { Py_XDECREF(it); goto done; }
            Py_DECREF(it);
            continue;
        }
        if (ncuts == cap) {
            cap = cap ? 2 * cap : 64;
            Cut *grown = PyMem_Realloc(cuts, (size_t)cap * sizeof(Cut));
            if (!grown) { PyErr_NoMemory(); goto done; }
            cuts = grown;
        }
        cuts[ncuts++] = c;
    }
    if (items) { result = items; items = NULL; goto done; }
    if (!ncuts) { Py_INCREF(text); result = text; goto done; }
    {   /* strip: each cut once, in order, none inside one already made */
        size_t width = (size_t)kind;
        char *buf = PyMem_Malloc((size_t)len * width + 1);
        if (!buf) { PyErr_NoMemory(); goto done; }
        Py_ssize_t pos = 0, out = 0;
        for (Py_ssize_t k = 0; k < ncuts; k++) {
            if (cuts[k].cut_start < pos) continue;
            memcpy(buf + out * width, (const char *)data + pos * width, (size_t)(cuts[k].cut_start - pos) * width);
            out += cuts[k].cut_start - pos;
            pos = cuts[k].cut_end;
        }
        memcpy(buf + out * width, (const char *)data + pos * width, (size_t)(len - pos) * width);
        out += len - pos;
        result = PyUnicode_FromKindAndData(kind, buf, out);
        PyMem_Free(buf);
    }
done:
    Py_XDECREF(items);
    PyMem_Free(cuts);
    PyMem_Free(f);
    return result;
}

static PyObject *Scanner_flags(Scanner *s, PyObject *arg) {
    long c = PyLong_AsLong(arg);
    if (c == -1 && PyErr_Occurred()) return NULL;
    if (c < 0 || c > 0x10FFFF) { PyErr_SetString(PyExc_ValueError, "not a code point"); return NULL; }
    return PyLong_FromUnsignedLong(cflags(s, (Py_UCS4)c));
}

static int Scanner_init(Scanner *s, PyObject *args, PyObject *kw) {
    Py_buffer flags, spell;
    PyObject *readings_of;
    if (!PyArg_ParseTuple(args, "y*y*Oiiiii", &flags, &spell, &readings_of, &s->longest, &s->max_syllables,
                          &s->max_written, &s->max_gap, &s->max_sentence))
        return -1;
    int bad = flags.len != (Py_ssize_t)sizeof s->flags || spell.len != (Py_ssize_t)sizeof s->spell;
    if (!bad) {
        memcpy(s->flags, flags.buf, sizeof s->flags);
        memcpy(s->spell, spell.buf, sizeof s->spell);
    }
    PyBuffer_Release(&flags);
    PyBuffer_Release(&spell);
    if (bad) { PyErr_SetString(PyExc_ValueError, "flags and spell: 65536 uint16 each"); return -1; }
    if (s->longest < 1 || s->longest > MAX_BASE || s->max_written > MAX_LETTERS || s->max_syllables < 1) {
        PyErr_SetString(PyExc_ValueError, "limits out of range");
        return -1;
    }
    if (!PyCallable_Check(readings_of)) { PyErr_SetString(PyExc_TypeError, "readings must be callable"); return -1; }
    Py_INCREF(readings_of);
    Py_XSETREF(s->readings_of, readings_of);
    if (!s->table && !(s->table = PyMem_Calloc(TSIZE, sizeof(Readings *)))) { PyErr_NoMemory(); return -1; }
    return 0;
}

static void Scanner_dealloc(Scanner *s) {
    if (s->table) {
        for (Py_ssize_t c = 0; c < TSIZE; c++) PyMem_Free(s->table[c]);
        PyMem_Free(s->table);
    }
    Py_XDECREF(s->readings_of);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static PyMethodDef Scanner_methods[] = {
    {"strip", (PyCFunction)Scanner_strip, METH_O,
     "strip(text) -> str when every candidate was decided here, else a list of items (see the module)"},
    {"flags", (PyCFunction)Scanner_flags, METH_O, "flags(code point) -> the character classes it belongs to"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pinzhu._parsecore.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
    .tp_doc = "strip's scanner: character classes, spellings and readings bound once",
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "pinzhu._parsecore", "strip's scan of a text for the common annotation.", -1, NULL,
};

PyMODINIT_FUNC PyInit__parsecore(void) {
    if (PyType_Ready(&ScannerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType); Py_DECREF(m); return NULL;
    }
    return m;
}
