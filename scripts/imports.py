"""The house of physvid, drawn from its own imports: every module on a floor, and every import
(module-level or inside a function) going to a lower floor, or sideways inside the same family
(`models.*` -> `models.*`, `worlds.*` -> `worlds.*`). `python scripts/imports.py` prints the
floors with what each module imports; tests/test_architecture.py fails on any import that goes up."""
import ast, sys
from pathlib import Path

FLOORS = [  # lowest first; a module may import only from floors below it (or its own family, sideways)
    ('core', ['core']),
    ('tools', ['viz', 'hamilton', 'tailor']),
    ('worlds and models', ['worlds.*', 'models.*', 'esn']),
    ('data, learner, metrics', ['data', 'probe', 'learner', 'metrics', 'fvd']),
    ('training and analysis', ['train', 'analysis', 'distributed']),
    ('runs', ['runs', 'leaderboard']),
    ('command line', ['cli']),
]

def modules(pkg:Path) -> dict:
    "Dotted name (without 'physvid.') -> file, for every module of the package (private _modidx left out)."
    out = {}
    for f in sorted(pkg.rglob('*.py')):
        rel = f.relative_to(pkg).with_suffix('')
        if rel.name in ('__init__', '_modidx'): continue
        out['.'.join(rel.parts)] = f
    return out

def floor_of(name:str) -> int:
    for i, (_, pats) in enumerate(FLOORS):
        for p in pats:
            if name == p or (p.endswith('.*') and name.startswith(p[:-1])): return i
    raise KeyError(f"module physvid.{name} is on no floor: add it to FLOORS in scripts/imports.py")

def imports_of(name:str, path:Path, known:set) -> set:
    "The physvid modules `name` imports, anywhere in its file."
    pkg = name.split('.')[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.ImportFrom):
            if node.level: base = pkg[:len(pkg) - node.level + 1] + (node.module.split('.') if node.module else [])
            elif node.module and node.module.split('.')[0] == 'physvid': base = node.module.split('.')[1:]
            else: continue
            cands = ['.'.join(base + [a.name]) for a in node.names] + ['.'.join(base)]
        elif isinstance(node, ast.Import):
            cands = [a.name.split('.', 1)[1] for a in node.names if a.name.startswith('physvid.')]
        else: continue
        out |= {c for c in cands if c in known}
    return out - {name}

def graph(pkg:Path) -> dict:
    mods = modules(pkg)
    return {m: imports_of(m, f, set(mods)) for m, f in mods.items()}

def upward(g:dict) -> list:
    "Every import that goes to a higher floor, or sideways out of its own family."
    bad = []
    for a, deps in g.items():
        for b in deps:
            fa, fb = floor_of(a), floor_of(b)
            same_family = '.' in a and a.split('.')[0] == b.split('.')[0]
            if fb > fa or (fb == fa and not same_family): bad.append((a, b))
    return sorted(bad)

def picture(g:dict) -> str:
    lines = []
    for i, (title, _) in reversed(list(enumerate(FLOORS))):
        lines.append(f'{i} {title}')
        for m in sorted(x for x in g if floor_of(x) == i):
            lines.append(f"    {m:22s} <- {', '.join(sorted(g[m])) or '-'}")
    return '\n'.join(lines)

if __name__ == '__main__':
    g = graph(Path(__file__).resolve().parents[1] / 'physvid')
    print(picture(g))
    bad = upward(g)
    for a, b in bad: print(f'UPWARD: physvid.{a} imports physvid.{b}', file=sys.stderr)
    sys.exit(1 if bad else 0)
