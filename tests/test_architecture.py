"""The import graph of physvid has floors and nothing imports upward (scripts/imports.py draws it)."""
import importlib.util
import pytest
from conftest import ROOT

spec = importlib.util.spec_from_file_location('imports', ROOT / 'scripts' / 'imports.py')
imports = importlib.util.module_from_spec(spec); spec.loader.exec_module(imports)

def test_no_upward_imports():
    g = imports.graph(ROOT / 'physvid')
    bad = imports.upward(g)
    assert not bad, 'imports that go up a floor: ' + ', '.join(f'physvid.{a} -> physvid.{b}' for a, b in bad)

def test_models_beside_worlds():
    "A model file imports only the core, the generic tools and other models: no learner, data, probe or world."
    g = imports.graph(ROOT / 'physvid')
    for m in (x for x in g if x.startswith('models.')):
        assert g[m] <= {'core', 'hamilton', 'tailor'} | {x for x in g if x.startswith('models.')}, (m, g[m])
    assert imports.floor_of('models.svg') == imports.floor_of('worlds.shapes')

def test_every_module_has_a_floor():
    for m in imports.modules(ROOT / 'physvid'): imports.floor_of(m)
    with pytest.raises(KeyError, match='on no floor'): imports.floor_of('newthing')

def test_checker_catches_upward_and_sideways(tmp_path):
    "The check itself can fail: a model importing the learner (up) or a world (sideways) is reported."
    pkg = tmp_path / 'physvid'; (pkg / 'models').mkdir(parents=True); (pkg / 'worlds').mkdir()
    (pkg / 'core.py').write_text(''); (pkg / 'learner.py').write_text('from .core import x\n')
    (pkg / 'worlds' / 'shapes.py').write_text('')
    (pkg / 'models' / 'bad.py').write_text('def f():\n    from ..learner import Learner\n    from physvid.worlds.shapes import A\n')
    g = imports.graph(pkg)
    assert g['models.bad'] == {'learner', 'worlds.shapes'}
    assert imports.upward(g) == [('models.bad', 'learner'), ('models.bad', 'worlds.shapes')]
