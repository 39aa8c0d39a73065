#!/usr/bin/env python3
"""matcalc vs SymPy's matrix expressions on the formulas of cases.py.

For each formula and each tool: does it give a result (or fail, or return an
unevaluated derivative); is the result right, checked against central finite
differences of the function value at one random point (n = 4, m = 3); how
long the derivation takes; how long the printed result is.

The reference is independent of both results: the SymPy function (not its
derivative) is evaluated with explicit 30-digit matrices at perturbed points,
so the differences are exact to ~1e-12. The function values of the two tools
are compared at the point too, so that a transcription slip between the two
spellings of a formula shows up as such.

Usage (run.sh does this):
  compare.py --matcalc BIN --mcrun BIN --out DIR [--seed S] [--reps R] [--only id,id]

Writes DIR/results.json (raw data) and DIR/RESULTS.md. Needs the installed
sympy (1.14.0 was used); numpy is not needed.
"""

import argparse
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import time

try:
    import sympy
except ImportError:
    sys.stderr.write("compare.py: sympy is not installed for %s (python3 -m pip install sympy; "
                     "the results were made with sympy 1.14.0)\n" % sys.executable)
    sys.exit(3)
from sympy import Derivative, Float, ImmutableMatrix, MatrixBase, Symbol, simplify, symbols  # noqa: E402
from sympy.tensor.array import NDimArray  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402
import mpmath  # noqa: E402  (comes with sympy)
from sympy.matrices.expressions import Identity, OneMatrix, ZeroMatrix  # noqa: E402

CONSTANT_MATRICES = (Identity, OneMatrix, ZeroMatrix)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases as casemod  # noqa: E402

N, M = symbols('n m', integer=True, positive=True)
DPS = 30          # digits of the reference evaluation
TOL = 1e-6        # relative error above which a result is wrong
TIMEOUT = 120     # seconds for one SymPy call
MC_TIMEOUT = 300  # seconds for one matcalc process


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout("timed out after %d s" % TIMEOUT)


signal.signal(signal.SIGALRM, _alarm)


def guarded(fn, *args):
    signal.alarm(TIMEOUT)
    try:
        return fn(*args)
    finally:
        signal.alarm(0)


mpmath.mp.dps = DPS


def dim(d):
    return {'n': N, 'm': M, 1: 1}[d]


def symbols_of(case):
    S = {}
    for name, (r, c) in case['vars'].items():
        if (r, c) == (1, 1):
            S[name] = Symbol(name)
        else:
            S[name] = sympy.MatrixSymbol(name, dim(r), dim(c))
    return S


def point(case, seed, sizes):
    """A random point: name -> nested lists (JSON encoding of matcalc)."""
    rng = random.Random("%s-%s" % (seed, case['id']))
    vals = {}
    for name, (r, c) in case['vars'].items():
        rr, cc = sizes.get(r, r), sizes.get(c, c)
        rows = [[round(rng.uniform(-1, 1), 6) for _ in range(cc)] for _ in range(rr)]
        if name in case.get('wellcond', ()):
            for i in range(rr):
                rows[i][i] = round(rows[i][i] + rr, 6)
        if (rr, cc) == (1, 1) and (r, c) == (1, 1):
            vals[name] = rows[0][0]
        elif cc == 1 and c == 1:
            vals[name] = [row[0] for row in rows]
        else:
            vals[name] = rows
    return vals


def flat(v):
    if isinstance(v, list):
        return [y for x in v for y in flat(x)]
    return [v]


def squeeze(shape):
    return tuple(d for d in shape if d != 1)


class NotEvaluable(Exception):
    pass


def evaluator(expr, S, case, sizes):
    """Returns p -> (squeezed shape, flat values) for a SymPy expression."""
    dims = {N: sizes['n'], M: sizes['m']}
    e = expr
    if case.get('post'):
        e = e.subs(case['post'])
    e = e.subs(dims)
    keys = {name: (sym.subs(dims) if not isinstance(sym, Symbol) else sym) for name, sym in S.items()}

    def ev(p):
        rep = {}
        for name, key in keys.items():
            v = p[name]
            if isinstance(key, Symbol):
                rep[key] = Float(num_str(v), DPS)
            else:
                r, c = key.shape
                rep[key] = ImmutableMatrix(int(r), int(c), [Float(num_str(x), DPS) for x in flat(v)])
        x = e.xreplace(rep).replace(lambda y: isinstance(y, CONSTANT_MATRICES), lambda y: y.as_explicit())
        for _ in range(3):
            y = x.doit()
            if y == x:
                break
            x = y
        if hasattr(x, 'as_explicit') and not isinstance(x, (MatrixBase, NDimArray)):
            x = x.as_explicit()
        if isinstance(x, MatrixBase):
            shape, vals = x.shape, list(x)
        elif isinstance(x, NDimArray):
            shape, vals = x.shape, flat(x.tolist())
        else:
            shape, vals = (), [x]
        try:
            out = [mpmath.mpf(sympy.Float(sympy.N(y, DPS), DPS)._mpf_) for y in vals]
        except (TypeError, ValueError) as err:
            raise NotEvaluable("left symbolic after substituting numbers: %s" % str(vals[0])[:120]) from err
        return squeeze(tuple(int(d) for d in shape)), out
    return ev


def num_str(v):
    """The decimal string of a float (as in the JSON point) or of an mpf."""
    if isinstance(v, mpmath.mpf):
        return mpmath.nstr(v, DPS + 5, strip_zeros=False)
    return repr(v)


def perturb(p, name, j, h):
    q = dict(p)
    v = q[name]
    if isinstance(v, list):
        fl = flat(v)
        fl[j] = mpmath.mpf(num_str(fl[j])) + h
        if v and isinstance(v[0], list):
            c = len(v[0])
            q[name] = [fl[i * c:(i + 1) * c] for i in range(len(v))]
        else:
            q[name] = fl
    else:
        q[name] = mpmath.mpf(num_str(v)) + h
    return q


def reference(F, p, name, order):
    """Central differences of F at p by variable name, numerator layout.
    Returns (squeezed shape: f dims + variable dims, flat values)."""
    fshape, _ = F(p)
    v = p[name]
    nv = len(flat(v))
    vshape = squeeze((len(v), len(v[0])) if isinstance(v, list) and v and isinstance(v[0], list)
                     else (len(v),) if isinstance(v, list) else ())
    if order == 1:
        cols = []
        for j in range(nv):
            h = mpmath.mpf('1e-8') * max(1, abs(mpmath.mpf(repr(flat(v)[j]))))
            _, fp = F(perturb(p, name, j, h))
            _, fm = F(perturb(p, name, j, -h))
            cols.append([float((a - b) / (2 * h)) for a, b in zip(fp, fm)])
        nf = len(cols[0])
        return fshape + vshape, [cols[j][k] for k in range(nf) for j in range(nv)]
    h = mpmath.mpf('1e-6')
    out = []
    for i in range(nv):
        for j in range(nv):
            s = mpmath.mpf(0)
            for si, sj, w in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                s += w * F(perturb(perturb(p, name, i, si * h), name, j, sj * h))[1][0]
            out.append(float(s / (4 * h * h)))
    return vshape + vshape, out


def transpose_layout(shape, vals, nf_dims):
    """Reorders (f dims + v dims) to (v dims + f dims)."""
    fd, vd = shape[:nf_dims], shape[nf_dims:]
    nf, nv = math.prod(fd), math.prod(vd)
    return vd + fd, [vals[k * nv + j] for j in range(nv) for k in range(nf)]


def relerr(got, want):
    got, want = [float(x) for x in got], [float(x) for x in want]
    scale = max(max(abs(x) for x in want), 1e-300)
    return max(abs(a - b) for a, b in zip(got, want)) / scale


def median_time(fn, reps, cold=True):
    ts = []
    for _ in range(reps):
        if cold:
            clear_cache()
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def sympy_side(case, build, S, F, p, refs, sizes, reps):
    """Derives with SymPy (the call timed), evaluates and compares."""
    rec = {'derivs': []}
    try:
        f = build(S)
    except Exception as err:
        rec['status'] = 'error'
        rec['error'] = 'building the expression: %s: %s' % (type(err).__name__, str(err).splitlines()[0][:200])
        return rec

    def derive_all():
        out = []
        for w in case['wrt']:
            d = f.diff(S[w])
            if case['order'] == 2:
                d = d.diff(S[w])
            out.append(d)
        return out

    try:
        clear_cache()
        ds = guarded(derive_all)
    except Exception as err:  # SymPy raises many kinds; all are a failure to derive
        rec['status'] = 'error'
        rec['error'] = '%s: %s' % (type(err).__name__, str(err).splitlines()[0][:200] if str(err) else '')
        return rec
    rec['time_s'] = guarded(median_time, derive_all, reps)
    rec['warm_time_s'] = guarded(median_time, derive_all, reps, False)
    rec['chars'] = sum(len(str(d)) for d in ds)
    worst = 'ok'
    rank = {'ok': 0, 'wrong': 1, 'not evaluable': 2, 'unevaluated': 3}
    for w, d in zip(case['wrt'], ds):
        one = {'wrt': w, 'text': str(d), 'type': type(d).__name__}
        if d.has(Derivative):
            one['status'] = 'unevaluated'
        else:
            try:
                shape, vals = guarded(evaluator(d, S, case, sizes), p)
                rshape, rvals = refs[w]
                nfd = len(rshape) - (len(rshape) // 2 if case['order'] == 2 else len(squeeze(shape_of(p[w]))))
                want_shape, want = transpose_layout(rshape, rvals, nfd)
                one['shape'] = list(shape)
                if shape != want_shape:
                    one['status'] = 'wrong'
                    one['detail'] = 'shape %s, want %s (SymPy layout: variable dims first)' % (shape, want_shape)
                else:
                    one['relerr'] = relerr(vals, want)
                    one['status'] = 'ok' if one['relerr'] <= TOL else 'wrong'
            except (NotEvaluable, Timeout, Exception) as err:
                one['status'] = 'not evaluable'
                one['detail'] = '%s: %s' % (type(err).__name__, str(err)[:200])
        if rank[one['status']] > rank[worst]:
            worst = one['status']
        rec['derivs'].append(one)
    rec['status'] = worst
    rec['relerr'] = max((d.get('relerr', 0) for d in rec['derivs']), default=0)
    # simplify, timed separately, on results that evaluate
    if worst in ('ok', 'wrong'):
        try:
            rec['simplify_time_s'] = guarded(median_time, lambda: [simplify(d) for d in derive_all()], max(1, reps // 2))
            rec['simplified_chars'] = sum(len(str(simplify(d))) for d in ds)
        except Exception as err:
            rec['simplify_error'] = '%s: %s' % (type(err).__name__, str(err)[:200])
    return rec


def shape_of(v):
    if isinstance(v, list):
        if v and isinstance(v[0], list):
            return (len(v), len(v[0]))
        return (len(v),)
    return ()


def cli_args(matcalc, case, extra=()):
    args = [matcalc, 'derive']
    for l in case['lets']:
        args += ['--let', l]
    args += ['--wrt', ','.join(case['wrt'])]
    if case['order'] == 2:
        args += ['--order', '2']
    return args + list(extra) + ['--', case['mc']]


def matcalc_side(case, matcalc, p, refs, F, out_dir, reps):
    rec = {}
    args = cli_args(matcalc, case)
    rec['command'] = ' '.join(shell_quote(a) for a in ['matcalc'] + args[1:])
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=MC_TIMEOUT)
    except subprocess.TimeoutExpired:
        rec['status'] = 'timed out'
        rec['error'] = 'matcalc derive timed out after %d s' % MC_TIMEOUT
        return rec
    rec['command'] = ' '.join(shell_quote(a) for a in ['matcalc'] + args[1:])
    if r.returncode != 0:
        rec['status'] = 'declined'
        rec['error'] = r.stderr.strip()
        return rec
    rec['text'] = r.stdout.strip()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run(args, capture_output=True, timeout=MC_TIMEOUT)
        ts.append(time.perf_counter() - t0)
    rec['cli_time_s'] = statistics.median(ts)
    vals = dict(p)
    vals.update(case.get('fixed', {}))
    path = os.path.join(out_dir, 'points', case['id'] + '.json')
    with open(path, 'w') as fh:
        json.dump(vals, fh)
    r = subprocess.run(cli_args(matcalc, case, ['--at', path, '--format', 'json']), capture_output=True, text=True,
                       timeout=MC_TIMEOUT)
    if r.returncode != 0:
        rec['status'] = 'not evaluable'
        rec['error'] = r.stderr.strip()
        return rec
    js = json.loads(r.stdout)
    fval = flat(js['function']['value'])
    _, want_f = F(p)
    rec['function_relerr'] = relerr(fval, want_f)
    rec['derivs'] = []
    worst = 'ok'
    for w, d in zip(case['wrt'], js['derivatives']):
        got = flat(d['value'])
        rshape, want = refs[w]
        one = {'wrt': w, 'text': d['text'], 'kind': d['kind']}
        if len(got) != len(want):
            one['status'] = 'wrong'
            one['detail'] = '%d numbers, want %d' % (len(got), len(want))
        else:
            one['relerr'] = relerr(got, want)
            one['status'] = 'ok' if one['relerr'] <= TOL else 'wrong'
        if one['status'] != 'ok':
            worst = 'wrong'
        rec['derivs'].append(one)
    rec['status'] = worst
    rec['relerr'] = max((d.get('relerr', 0) for d in rec['derivs']), default=0)
    return rec


def shell_quote(s):
    if s and all(ch.isalnum() or ch in '-_,./:=' for ch in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--matcalc', required=True)
    ap.add_argument('--mcrun', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', default='1')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--only', default='')
    ap.add_argument('-n', type=int, default=4)
    ap.add_argument('-m', type=int, default=3)
    a = ap.parse_args()
    sizes = {'n': a.n, 'm': a.m, 1: 1}
    os.makedirs(os.path.join(a.out, 'points'), exist_ok=True)
    cases = casemod.CASES
    if a.only:
        keep = set(a.only.split(','))
        cases = [c for c in cases if c['id'] in keep]

    # matcalc's library timings, one process per case (so that a hang is one timeout)
    mclib = {}
    for c in cases:
        mc_in = [dict(id=c['id'], formula=c['mc'], lets=c['lets'], wrt=c['wrt'], order=c['order'])]
        try:
            r = subprocess.run([a.mcrun, '-rounds', str(a.rounds)], input=json.dumps(mc_in),
                               capture_output=True, text=True, check=True, timeout=MC_TIMEOUT)
            mclib[c['id']] = json.loads(r.stdout)[0]
        except subprocess.TimeoutExpired:
            mclib[c['id']] = dict(id=c['id'], ok=False, error='mcrun timed out after %d s' % MC_TIMEOUT)

    results = []
    for c in cases:
        sys.stderr.write('%-12s' % c['id'])
        sys.stderr.flush()
        S = symbols_of(c)
        p = point(c, a.seed, sizes)
        F = evaluator(c.get('ref', c['sympy'])(S), S, c, sizes)
        refs = {w: reference(F, p, w, c['order']) for w in c['wrt']}
        mc = matcalc_side(c, a.matcalc, p, refs, F, a.out, a.reps)
        mc['lib'] = mclib[c['id']]
        sp = sympy_side(c, c['sympy'], S, F, p, refs, sizes, a.reps)
        alt = None
        if sp['status'] != 'ok' and c.get('alt'):
            alt = sympy_side(c, c['alt'][1], S, F, p, refs, sizes, a.reps)
            alt['rewrite'] = c['alt'][0]
        results.append(dict(id=c['id'], title=c['title'], source=c['source'], mc_formula=c['mc'],
                            lets=c['lets'], wrt=c['wrt'], order=c['order'], beyond=c.get('beyond', False),
                            textbook=c.get('textbook', ''), point=p, matcalc=mc, sympy=sp, sympy_alt=alt))
        sys.stderr.write(' matcalc %-9s sympy %s%s\n' % (mc['status'], sp['status'],
                                                         ' (rewrite: %s)' % alt['status'] if alt else ''))
    meta = dict(seed=a.seed, sizes={'n': a.n, 'm': a.m}, reps=a.reps, rounds=a.rounds, tol=TOL,
                sympy=sympy.__version__, python=sys.version.split()[0],
                go=subprocess.run(['go', 'version'], capture_output=True, text=True).stdout.strip(),
                commit=os.environ.get('MATCALC_COMMIT') or subprocess.run(
                    ['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip(),
                date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
                cpu=cpu_name())
    with open(os.path.join(a.out, 'results.json'), 'w') as fh:
        json.dump(dict(meta=meta, results=results), fh, indent=1, ensure_ascii=False)
    import report
    with open(os.path.join(a.out, 'RESULTS.md'), 'w') as fh:
        fh.write(report.markdown(meta, results))


def cpu_name():
    try:
        with open('/proc/cpuinfo') as fh:
            for line in fh:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown CPU'


if __name__ == '__main__':
    main()
