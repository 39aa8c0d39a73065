"""The formulas of the matcalc vs SymPy comparison.

Each case gives the formula twice, in matcalc's notation and as a SymPy
matrix expression built from MatrixSymbols with symbolic sizes n and m, the
variables with their sizes, the variables to differentiate by and the order.

Keys:
  id        short name (file names, table rows)
  title     the formula as written in lecture notes / the Matrix Cookbook
  source    where it comes from
  mc        matcalc formula; lets: its --let declarations
  vars      name -> (rows, cols), rows/cols one of 'n', 'm' or 1; the name is
            the JSON key for `matcalc --at`, the --wrt spelling and the SymPy
            symbol name (ASCII spellings: matcalc accepts them for θ, λ, W₁)
  wrt, order
  sympy     S -> expression, S maps names to MatrixSymbols (Symbols for 1×1)
  ref       optional S -> expression: the function for the finite-difference
            reference when the sympy form cannot be evaluated (default: sympy)
  alt       optional (description, S -> expression): a rewriting tried only
            when the natural SymPy form fails, reported separately
  post      optional {symbol: value}: substituted into SymPy's result before
            evaluation (symbolic exponents)
  fixed     optional {name: value}: values given to matcalc only (not varied)
  wellcond  matrices made well conditioned with positive determinant
            (R + n·I) in the random point
  beyond    True for cases outside matcalc's scope by design (tensors,
            symbolic exponents), listed apart in the results
  textbook  the expected answer, for the reader
"""

from sympy import (Lambda, OneMatrix, Symbol, Trace, Determinant, exp, log,
                   sqrt, tanh, Max, Rational, Integer, HadamardProduct)

t = Symbol('t')
SIGMOID = Lambda(t, 1 / (1 + exp(-t)))
RELU = Lambda(t, Max(t, 0))


def ones(S, name):
    """The all-ones vector of the size of S[name]."""
    return OneMatrix(S[name].shape[0], 1)


def _logistic(S):
    z = S['X'] * S['w']
    one = ones(S, 'y')
    p = z.applyfunc(SIGMOID)
    return -(S['y'].T * p.applyfunc(log) + (one - S['y']).T * (one - p).applyfunc(log))


def _logistic_alt(S):
    # log σ and log(1 − σ) as single lambdas: the form SymPy differentiates.
    z = S['X'] * S['w']
    one = ones(S, 'y')
    return -(S['y'].T * z.applyfunc(Lambda(t, log(1 / (1 + exp(-t)))))
             + (one - S['y']).T * z.applyfunc(Lambda(t, log(1 - 1 / (1 + exp(-t))))))


def _softmax(S):
    e = S['theta'].applyfunc(exp)
    return e * (1 / Trace(ones(S, 'theta').T * e))


def _xent(S):
    # −yᵀlog(softmax(θ)), softmax written out
    return -S['y'].T * _softmax(S).applyfunc(log)


def _xent_alt(S):
    # −yᵀlog(softmax(θ)) = −yᵀθ + (1ᵀy)·log(1ᵀexp(θ)), all scalars as traces
    one = ones(S, 'theta')
    return -Trace(S['y'].T * S['theta']) + Trace(one.T * S['y']) * log(Trace(one.T * S['theta'].applyfunc(exp)))


def _norm(S):
    return sqrt(Trace(S['x'].T * S['x']))


def _norm_alt(S):
    # √ applied elementwise to the 1×1 matrix xᵀx.
    return (S['x'].T * S['x']).applyfunc(sqrt)


CASES = [
    dict(id='aXb', title='aᵀXb', source='Cookbook (70)', mc='aᵀXb', lets=['X: matrix(n,m)'],
         vars={'a': ('n', 1), 'X': ('n', 'm'), 'b': ('m', 1)}, wrt=['X'], order=1,
         sympy=lambda S: S['a'].T * S['X'] * S['b'], textbook='abᵀ'),
    dict(id='bXXc', title='bᵀXᵀXc', source='Cookbook (77)', mc='bᵀXᵀXc', lets=['X: matrix(n,m)'],
         vars={'b': ('m', 1), 'X': ('n', 'm'), 'c': ('m', 1)}, wrt=['X'], order=1,
         sympy=lambda S: S['b'].T * S['X'].T * S['X'] * S['c'], textbook='X(bcᵀ + cbᵀ)'),
    dict(id='xAx', title='xᵀAx', source='Cookbook (81)', mc='xᵀAx', lets=[],
         vars={'x': ('n', 1), 'A': ('n', 'n')}, wrt=['x', 'A'], order=1,
         sympy=lambda S: S['x'].T * S['A'] * S['x'], textbook='(A + Aᵀ)x, xxᵀ'),
    dict(id='xAx_H', title='xᵀAx, Hessian', source='Cookbook (81)', mc='xᵀAx', lets=[],
         vars={'x': ('n', 1), 'A': ('n', 'n')}, wrt=['x'], order=2,
         sympy=lambda S: S['x'].T * S['A'] * S['x'], textbook='A + Aᵀ'),
    dict(id='trAXB', title='tr(AXB)', source='Cookbook (101)', mc='tr(AXB)',
         lets=['A: matrix(m,n)', 'X: matrix(n,m)', 'B: matrix(m,m)'],
         vars={'A': ('m', 'n'), 'X': ('n', 'm'), 'B': ('m', 'm')}, wrt=['X'], order=1,
         sympy=lambda S: Trace(S['A'] * S['X'] * S['B']), textbook='AᵀBᵀ'),
    dict(id='trXAX', title='tr(XᵀAX)', source='Cookbook (108)', mc='tr(XᵀAX)', lets=['X: matrix(n,m)'],
         vars={'X': ('n', 'm'), 'A': ('n', 'n')}, wrt=['X'], order=1,
         sympy=lambda S: Trace(S['X'].T * S['A'] * S['X']), textbook='(A + Aᵀ)X'),
    dict(id='trX3', title='tr(X³)', source='Cookbook (94)', mc='tr(X³)', lets=[],
         vars={'X': ('n', 'n')}, wrt=['X'], order=1,
         sympy=lambda S: Trace(S['X'] ** 3), textbook='3(X²)ᵀ'),
    dict(id='ls', title='‖Ax − b‖²', source='least squares', mc='‖Ax−b‖²', lets=['A: matrix(m,n)'],
         vars={'A': ('m', 'n'), 'x': ('n', 1), 'b': ('m', 1)}, wrt=['x', 'A', 'b'], order=1,
         sympy=lambda S: (S['A'] * S['x'] - S['b']).T * (S['A'] * S['x'] - S['b']),
         textbook='2Aᵀ(Ax − b), 2(Ax − b)xᵀ, −2(Ax − b)'),
    dict(id='ls_H', title='‖Ax − b‖², Hessian', source='least squares', mc='‖Ax−b‖²', lets=['A: matrix(m,n)'],
         vars={'A': ('m', 'n'), 'x': ('n', 1), 'b': ('m', 1)}, wrt=['x'], order=2,
         sympy=lambda S: (S['A'] * S['x'] - S['b']).T * (S['A'] * S['x'] - S['b']), textbook='2AᵀA'),
    dict(id='ridge', title='‖Ax − b‖² + λ‖x‖²', source='ridge regression', mc='‖Ax−b‖² + λ‖x‖²',
         lets=['A: matrix(m,n)'],
         vars={'A': ('m', 'n'), 'x': ('n', 1), 'b': ('m', 1), 'lambda': (1, 1)},
         wrt=['x', 'lambda'], order=1,
         sympy=lambda S: ((S['A'] * S['x'] - S['b']).T * (S['A'] * S['x'] - S['b'])
                          + S['lambda'] * S['x'].T * S['x']),
         textbook='2Aᵀ(Ax − b) + 2λx, ‖x‖²'),
    dict(id='frob', title='‖AXB − C‖²_F', source='Cookbook (§2.8)', mc='‖AXB − C‖²',
         lets=['A: matrix(m,n)', 'X: matrix(n,n)', 'B: matrix(n,m)', 'C: matrix(m,m)'],
         vars={'A': ('m', 'n'), 'X': ('n', 'n'), 'B': ('n', 'm'), 'C': ('m', 'm')}, wrt=['X'], order=1,
         sympy=lambda S: Trace((S['A'] * S['X'] * S['B'] - S['C']).T * (S['A'] * S['X'] * S['B'] - S['C'])),
         textbook='2Aᵀ(AXB − C)Bᵀ'),
    dict(id='logdet', title='log det X', source='Cookbook (57)', mc='logdet(X)', lets=[],
         vars={'X': ('n', 'n')}, wrt=['X'], order=1, wellcond=['X'],
         sympy=lambda S: log(Determinant(S['X'])), textbook='X⁻ᵀ'),
    dict(id='det', title='det X', source='Cookbook (49)', mc='det(X)', lets=[],
         vars={'X': ('n', 'n')}, wrt=['X'], order=1, wellcond=['X'],
         sympy=lambda S: Determinant(S['X']), textbook='det(X)X⁻ᵀ'),
    dict(id='aXinvb', title='aᵀX⁻¹b', source='Cookbook (61)', mc='aᵀX⁻¹b', lets=[],
         vars={'a': ('n', 1), 'X': ('n', 'n'), 'b': ('n', 1)}, wrt=['X'], order=1, wellcond=['X'],
         sympy=lambda S: S['a'].T * S['X'].I * S['b'], textbook='−X⁻ᵀabᵀX⁻ᵀ'),
    dict(id='trXinvA', title='tr(X⁻¹A)', source='Cookbook (113)', mc='tr(X⁻¹A)', lets=[],
         vars={'X': ('n', 'n'), 'A': ('n', 'n')}, wrt=['X'], order=1, wellcond=['X'],
         sympy=lambda S: Trace(S['X'].I * S['A']), textbook='−X⁻ᵀAᵀX⁻ᵀ'),
    dict(id='rayleigh', title='xᵀAx / xᵀx', source='Rayleigh quotient', mc='xᵀAx / (xᵀx)', lets=[],
         vars={'x': ('n', 1), 'A': ('n', 'n')}, wrt=['x'], order=1,
         sympy=lambda S: S['x'].T * S['A'] * S['x'] * (1 / Trace(S['x'].T * S['x'])),
         textbook='((A + Aᵀ)x − 2(xᵀAx/xᵀx)x)/xᵀx'),
    dict(id='norm', title='‖x‖', source='2-norm', mc='‖x‖', lets=[],
         vars={'x': ('n', 1)}, wrt=['x'], order=1,
         sympy=_norm, alt=('√ applied elementwise to the 1×1 matrix xᵀx', _norm_alt), textbook='x/‖x‖'),
    dict(id='hadamard', title='aᵀ(x ∘ x)', source='Hadamard product', mc='aᵀ(x∘x)', lets=[],
         vars={'a': ('n', 1), 'x': ('n', 1)}, wrt=['x'], order=1,
         sympy=lambda S: S['a'].T * HadamardProduct(S['x'], S['x']), textbook='2a ∘ x'),
    dict(id='logistic', title='logistic loss', source='CS229 / CS224N',
         mc='-(yᵀlog(σ(Xw)) + (1−y)ᵀlog(1−σ(Xw)))', lets=['X: matrix(n,m)'],
         vars={'X': ('n', 'm'), 'w': ('m', 1), 'y': ('n', 1)}, wrt=['w'], order=1,
         sympy=_logistic, alt=('log∘σ and log∘(1−σ) written as single Lambdas', _logistic_alt),
         textbook='Xᵀ(σ(Xw) − y)'),
    dict(id='logistic_H', title='logistic loss, Hessian', source='CS229',
         mc='-(yᵀlog(σ(Xw)) + (1−y)ᵀlog(1−σ(Xw)))', lets=['X: matrix(n,m)'],
         vars={'X': ('n', 'm'), 'w': ('m', 1), 'y': ('n', 1)}, wrt=['w'], order=2,
         sympy=_logistic, alt=('log∘σ and log∘(1−σ) written as single Lambdas', _logistic_alt),
         textbook='Xᵀdiag(σ′(Xw))X'),
    dict(id='xent', title='softmax cross-entropy −yᵀlog softmax(θ)', source='CS224N',
         mc='-yᵀlog(softmax(θ))', lets=[],
         vars={'y': ('n', 1), 'theta': ('n', 1)}, wrt=['theta'], order=1,
         sympy=_xent, alt=('−tr(yᵀθ) + tr(1ᵀy)·log tr(1ᵀexp(θ))', _xent_alt), ref=_xent_alt,
         textbook='(1ᵀy)softmax(θ) − y'),
    dict(id='softmax_J', title='softmax(θ), Jacobian', source='CS224N', mc='softmax(θ)', lets=[],
         vars={'theta': ('n', 1)}, wrt=['theta'], order=1,
         sympy=_softmax, textbook='diag(p) − ppᵀ'),
    dict(id='tanh1', title='uᵀtanh(Wx + b)', source='lecture', mc='uᵀtanh(Wx+b)', lets=[],
         vars={'u': ('n', 1), 'W': ('n', 'm'), 'x': ('m', 1), 'b': ('n', 1)},
         wrt=['u', 'W', 'x', 'b'], order=1,
         sympy=lambda S: S['u'].T * (S['W'] * S['x'] + S['b']).applyfunc(tanh),
         textbook='tanh(z), δxᵀ, Wᵀδ, δ with δ = u ∘ tanh′(z)'),
    dict(id='tanh1_H', title='uᵀtanh(Wx + b), Hessian', source='lecture', mc='uᵀtanh(Wx+b)', lets=[],
         vars={'u': ('n', 1), 'W': ('n', 'm'), 'x': ('m', 1), 'b': ('n', 1)}, wrt=['x'], order=2,
         sympy=lambda S: S['u'].T * (S['W'] * S['x'] + S['b']).applyfunc(tanh),
         textbook='Wᵀdiag(u ∘ tanh″(z))W'),
    dict(id='relu1', title='uᵀrelu(Wx + b)', source='lecture', mc='uᵀrelu(Wx+b)', lets=[],
         vars={'u': ('n', 1), 'W': ('n', 'm'), 'x': ('m', 1), 'b': ('n', 1)}, wrt=['W', 'x'], order=1,
         sympy=lambda S: S['u'].T * (S['W'] * S['x'] + S['b']).applyfunc(RELU),
         textbook='δxᵀ, Wᵀδ with δ = u ∘ [z > 0]'),
    dict(id='tanh2', title='uᵀtanh(W₂tanh(W₁x + b₁) + b₂)', source='two-layer network (bench/)',
         mc='uᵀtanh(W₂tanh(W₁x+b₁)+b₂)', lets=['W₁: matrix(n,m)', 'W₂: matrix(n,n)'],
         vars={'u': ('n', 1), 'W2': ('n', 'n'), 'W1': ('n', 'm'), 'x': ('m', 1), 'b1': ('n', 1), 'b2': ('n', 1)},
         wrt=['u', 'W2', 'W1', 'x', 'b1', 'b2'], order=1,
         sympy=lambda S: S['u'].T * (S['W2'] * (S['W1'] * S['x'] + S['b1']).applyfunc(tanh)
                                     + S['b2']).applyfunc(tanh),
         textbook='backprop: δ₂ = u ∘ tanh′(z₂), δ₁ = W₂ᵀδ₂ ∘ tanh′(z₁), …'),
    dict(id='tanh_J', title='tanh(Wx + b), Jacobian', source='lecture', mc='tanh(Wx+b)', lets=[],
         vars={'W': ('n', 'm'), 'x': ('m', 1), 'b': ('n', 1)}, wrt=['x'], order=1,
         sympy=lambda S: (S['W'] * S['x'] + S['b']).applyfunc(tanh), textbook='diag(tanh′(z))W'),
    # Outside matcalc's scope by design: SymPy's array expressions go further.
    dict(id='Wx_W', title='Wx by W (3rd-order tensor)', source='tensor', mc='Wx', lets=[],
         vars={'W': ('n', 'm'), 'x': ('m', 1)}, wrt=['W'], order=1, beyond=True,
         sympy=lambda S: S['W'] * S['x'], textbook='∂(Wx)ᵢ/∂Wⱼₖ = δᵢⱼxₖ'),
    dict(id='Xinv_X', title='X⁻¹ by X (4th-order tensor)', source='Cookbook (59)', mc='X⁻¹', lets=[],
         vars={'X': ('n', 'n')}, wrt=['X'], order=1, beyond=True, wellcond=['X'],
         sympy=lambda S: S['X'].I, textbook='−(X⁻¹)ᵢⱼ(X⁻¹)ₖₗ'),
    dict(id='trXk', title='tr(Xᵏ), symbolic k (k = 3 to evaluate)', source='Cookbook (94)', mc='tr(X^k)',
         lets=['k: scalar'], vars={'X': ('n', 'n')}, fixed={'k': 3}, wrt=['X'], order=1, beyond=True,
         sympy=lambda S: Trace(S['X'] ** Symbol('k', integer=True, positive=True)),
         post={Symbol('k', integer=True, positive=True): Integer(3)}, textbook='k(Xᵏ⁻¹)ᵀ'),
]
