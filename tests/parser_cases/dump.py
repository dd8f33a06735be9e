"""Oracle for tests/parser.rs: dumps CPython's AST (or SyntaxError) in the same simplified
format as the Rust test's dumper. Usage: python3 dump.py CASES_FILE
Cases are separated by lines starting with '#----'. Output: one record per case, separated by
lines '=====' ."""
import ast, struct, sys

def s(v):
    out = ['"']
    for ch in v:
        o = ord(ch)
        if 0x20 <= o < 0x7f and ch not in '"\\':
            out.append(ch)
        else:
            out.append('\\u{%x}' % o)
    out.append('"')
    return ''.join(out)

def b(v):
    return 'b[' + ','.join(str(x) for x in v) + ']'

OPS = {ast.Add: 'Add', ast.Sub: 'Sub', ast.Mult: 'Mult', ast.MatMult: 'MatMult', ast.Div: 'Div',
       ast.FloorDiv: 'FloorDiv', ast.Mod: 'Mod', ast.Pow: 'Pow', ast.LShift: 'LShift',
       ast.RShift: 'RShift', ast.BitOr: 'BitOr', ast.BitXor: 'BitXor', ast.BitAnd: 'BitAnd',
       ast.Invert: 'Invert', ast.Not: 'Not', ast.UAdd: 'UAdd', ast.USub: 'USub',
       ast.And: 'And', ast.Or: 'Or', ast.Eq: 'Eq', ast.NotEq: 'NotEq', ast.Lt: 'Lt',
       ast.LtE: 'LtE', ast.Gt: 'Gt', ast.GtE: 'GtE', ast.Is: 'Is', ast.IsNot: 'IsNot',
       ast.In: 'In', ast.NotIn: 'NotIn'}

class D:
    def __init__(self, src):
        self.lines = src.encode('utf-8').split(b'\n')

    def pos(self, n):
        line = self.lines[n.lineno - 1] if n.lineno - 1 < len(self.lines) else b''
        col = len(line[:n.col_offset].decode('utf-8', 'replace'))
        return '@%d:%d' % (n.lineno, col)

    def op(self, o):
        return OPS[type(o)]

    def opt(self, e):
        return 'None' if e is None else self.e(e)

    def el(self, v):
        return '[' + ', '.join(self.e(x) for x in v) + ']'

    def sl(self, v):
        return '[' + ', '.join(self.st(x) for x in v) + ']'

    def const(self, v):
        if v is None: return 'None'
        if v is True: return 'True'
        if v is False: return 'False'
        if v is Ellipsis: return 'Ellipsis'
        if isinstance(v, int): return 'Int(%d)' % v
        if isinstance(v, float): return 'Float(%d)' % struct.unpack('<Q', struct.pack('<d', v))[0]
        if isinstance(v, str): return 'Str(%s)' % s(v)
        if isinstance(v, bytes): return 'Bytes(%s)' % b(v)
        return 'Other(%r)' % (v,)

    def params(self, a):
        pos = a.posonlyargs + a.args
        defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
        def p(x, d):
            return '%s%s(%s, %s)' % (x.arg, self.pos(x), self.opt(x.annotation), self.opt(d))
        po = [p(x, d) for x, d in zip(a.posonlyargs, defaults[:len(a.posonlyargs)])]
        ar = [p(x, d) for x, d in zip(a.args, defaults[len(a.posonlyargs):])]
        kw = [p(x, d) for x, d in zip(a.kwonlyargs, a.kw_defaults)]
        va = 'None' if a.vararg is None else p(a.vararg, None)
        kwa = 'None' if a.kwarg is None else p(a.kwarg, None)
        return 'Params([%s], [%s], %s, [%s], %s)' % (', '.join(po), ', '.join(ar), va, ', '.join(kw), kwa)

    def comp(self, c):
        return 'comp(%s, %s, %s, %s)' % (self.e(c.target), self.e(c.iter), self.el(c.ifs), bool(c.is_async))

    def kw(self, k):
        return 'kw%s(%s, %s)' % (self.pos(k), 'None' if k.arg is None else k.arg, self.e(k.value))

    def part(self, p):
        if isinstance(p, ast.Constant):
            return 'Lit(%s)' % s(p.value)
        conv = {-1: 'None', 115: 's', 114: 'r', 97: 'a'}[p.conversion]
        return 'FV(%s, %s, %s)' % (self.e(p.value), conv, self.opt(p.format_spec))

    def e(self, n):
        P = self.pos(n)
        t = type(n).__name__
        if isinstance(n, ast.Name): return 'Name%s(%s)' % (P, n.id)
        if isinstance(n, ast.Constant): return 'Constant%s(%s)' % (P, self.const(n.value))
        if isinstance(n, ast.JoinedStr): return 'JoinedStr%s([%s])' % (P, ', '.join(self.part(x) for x in n.values))
        if isinstance(n, ast.BoolOp): return 'BoolOp%s(%s, %s)' % (P, self.op(n.op), self.el(n.values))
        if isinstance(n, ast.NamedExpr): return 'NamedExpr%s(%s, %s)' % (P, n.target.id, self.e(n.value))
        if isinstance(n, ast.BinOp): return 'BinOp%s(%s, %s, %s)' % (P, self.e(n.left), self.op(n.op), self.e(n.right))
        if isinstance(n, ast.UnaryOp): return 'UnaryOp%s(%s, %s)' % (P, self.op(n.op), self.e(n.operand))
        if isinstance(n, ast.Lambda): return 'Lambda%s(%s, %s)' % (P, self.params(n.args), self.e(n.body))
        if isinstance(n, ast.IfExp): return 'IfExp%s(%s, %s, %s)' % (P, self.e(n.test), self.e(n.body), self.e(n.orelse))
        if isinstance(n, ast.Dict): return 'Dict%s([%s], %s)' % (P, ', '.join(self.opt(k) for k in n.keys), self.el(n.values))
        if isinstance(n, (ast.Set, ast.List, ast.Tuple)): return '%s%s(%s)' % (t, P, self.el(n.elts))
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return '%s%s(%s, [%s])' % (t, P, self.e(n.elt), ', '.join(self.comp(c) for c in n.generators))
        if isinstance(n, ast.DictComp):
            return 'DictComp%s(%s, %s, [%s])' % (P, self.e(n.key), self.e(n.value), ', '.join(self.comp(c) for c in n.generators))
        if isinstance(n, ast.Await): return 'Await%s(%s)' % (P, self.e(n.value))
        if isinstance(n, ast.Yield): return 'Yield%s(%s)' % (P, self.opt(n.value))
        if isinstance(n, ast.YieldFrom): return 'YieldFrom%s(%s)' % (P, self.e(n.value))
        if isinstance(n, ast.Compare):
            return 'Compare%s(%s, [%s], %s)' % (P, self.e(n.left), ', '.join(self.op(o) for o in n.ops), self.el(n.comparators))
        if isinstance(n, ast.Call):
            return 'Call%s(%s, %s, [%s])' % (P, self.e(n.func), self.el(n.args), ', '.join(self.kw(k) for k in n.keywords))
        if isinstance(n, ast.Attribute): return 'Attribute%s(%s, %s)' % (P, self.e(n.value), n.attr)
        if isinstance(n, ast.Subscript): return 'Subscript%s(%s, %s)' % (P, self.e(n.value), self.e(n.slice))
        if isinstance(n, ast.Starred): return 'Starred%s(%s)' % (P, self.e(n.value))
        if isinstance(n, ast.Slice): return 'Slice%s(%s, %s, %s)' % (P, self.opt(n.lower), self.opt(n.upper), self.opt(n.step))
        return 'UNKNOWN(%s)' % t

    def alias(self, a):
        return '%s as %s' % (a.name, a.asname)

    def st(self, n):
        P = self.pos(n)
        if isinstance(n, ast.Expr): return 'Expr%s(%s)' % (P, self.e(n.value))
        if isinstance(n, ast.Assign): return 'Assign%s(%s, %s)' % (P, self.el(n.targets), self.e(n.value))
        if isinstance(n, ast.AugAssign): return 'AugAssign%s(%s, %s, %s)' % (P, self.e(n.target), self.op(n.op), self.e(n.value))
        if isinstance(n, ast.AnnAssign):
            return 'AnnAssign%s(%s, %s, %s, %s)' % (P, self.e(n.target), self.e(n.annotation), self.opt(n.value), bool(n.simple))
        if isinstance(n, ast.Delete): return 'Delete%s(%s)' % (P, self.el(n.targets))
        if isinstance(n, ast.Pass): return 'Pass' + P
        if isinstance(n, ast.Break): return 'Break' + P
        if isinstance(n, ast.Continue): return 'Continue' + P
        if isinstance(n, ast.Return): return 'Return%s(%s)' % (P, self.opt(n.value))
        if isinstance(n, ast.Raise): return 'Raise%s(%s, %s)' % (P, self.opt(n.exc), self.opt(n.cause))
        if isinstance(n, ast.Global): return 'Global%s(%s)' % (P, ', '.join(n.names))
        if isinstance(n, ast.Nonlocal): return 'Nonlocal%s(%s)' % (P, ', '.join(n.names))
        if isinstance(n, ast.Assert): return 'Assert%s(%s, %s)' % (P, self.e(n.test), self.opt(n.msg))
        if isinstance(n, ast.If): return 'If%s(%s, %s, %s)' % (P, self.e(n.test), self.sl(n.body), self.sl(n.orelse))
        if isinstance(n, ast.While): return 'While%s(%s, %s, %s)' % (P, self.e(n.test), self.sl(n.body), self.sl(n.orelse))
        if isinstance(n, (ast.For, ast.AsyncFor)):
            return 'For%s(%s, %s, %s, %s, %s)' % (P, self.e(n.target), self.e(n.iter), self.sl(n.body), self.sl(n.orelse), isinstance(n, ast.AsyncFor))
        if isinstance(n, (ast.With, ast.AsyncWith)):
            items = ', '.join('(%s, %s)' % (self.e(i.context_expr), self.opt(i.optional_vars)) for i in n.items)
            return 'With%s([%s], %s, %s)' % (P, items, self.sl(n.body), isinstance(n, ast.AsyncWith))
        if isinstance(n, ast.Try):
            hs = ', '.join('Handler%s(%s, %s, %s)' % (self.pos(h), self.opt(h.type), h.name, self.sl(h.body)) for h in n.handlers)
            return 'Try%s(%s, [%s], %s, %s)' % (P, self.sl(n.body), hs, self.sl(n.orelse), self.sl(n.finalbody))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return 'FunctionDef%s(%s, %s, %s, %s, %s, %s)' % (P, n.name, self.params(n.args), self.sl(n.body), self.el(n.decorator_list), self.opt(n.returns), isinstance(n, ast.AsyncFunctionDef))
        if isinstance(n, ast.ClassDef):
            return 'ClassDef%s(%s, %s, [%s], %s, %s)' % (P, n.name, self.el(n.bases), ', '.join(self.kw(k) for k in n.keywords), self.sl(n.body), self.el(n.decorator_list))
        if isinstance(n, ast.Import): return 'Import%s([%s])' % (P, ', '.join(self.alias(a) for a in n.names))
        if isinstance(n, ast.ImportFrom):
            return 'ImportFrom%s(%s, [%s], %d)' % (P, n.module or '', ', '.join(self.alias(a) for a in n.names), n.level)
        return 'UNKNOWN(%s)' % type(n).__name__

PARSER_SIDE = {"default 'except:' must be last"}

def main():
    if sys.argv[1] == '--files':
        cases = [open(f, encoding='utf-8').read() for f in sys.argv[2:]]
    else:
        text = open(sys.argv[1], encoding='utf-8').read()
        cases = split(text)
    out = []
    for c in cases:
        try:
            tree = compile(c, 't.py', 'exec', ast.PyCF_ONLY_AST)
            try:
                compile(c, 't.py', 'exec')
            except SyntaxError as e:
                # Checks that CPython makes after parsing but tpy makes in its parser.
                if e.msg in PARSER_SIDE:
                    raise
            d = D(c)
            out.append('Module(' + d.sl(tree.body) + ')')
        except SyntaxError as e:
            col = (e.offset or 1) - 1
            out.append('ERR %s|%s|%s|%s' % (type(e).__name__, e.msg, e.lineno, col))
        except (MemoryError, RecursionError) as e:
            out.append('ERR %s' % type(e).__name__)
    sys.stdout.write('\n=====\n'.join(out) + '\n')

def split(text):
    cases, cur = [], []
    for line in text.split('\n'):
        if line.startswith('#----'):
            cases.append('\n'.join(cur))
            cur = []
        else:
            cur.append(line)
    if any(x.strip() for x in cur):
        cases.append('\n'.join(cur))
    return cases

if __name__ == '__main__':
    import warnings
    warnings.simplefilter('ignore')
    main()
