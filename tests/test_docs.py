"""The offline HTML of `make docs` and of the demo's report (scripts/docs.py): MathJax is copied beside
the pages and referenced locally, nothing is loaded from a CDN, pictures linked as images/NAME are
embedded, every output figure has alt text, and a missing MathJax is a one-line error naming the setup
step. (That MathJax really typesets the equations was checked by eye in headless Chromium; here a
stand-in file takes its place, so the test needs no npm.)"""
import base64, os, re, subprocess, sys
from pathlib import Path
import nbformat
from conftest import ROOT

PNG = base64.b64encode(bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
                                     '1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4e80000000049454e44ae426082')).decode()

def _notebook(folder:Path) -> Path:
    "A notebook with an equation, a picture under images/ and two executed figures (one with '# alt:')."
    (folder / 'images').mkdir(parents=True)
    (folder / 'images' / 'dot.png').write_bytes(base64.b64decode(PNG))
    nb = nbformat.v4.new_notebook()
    fig = lambda src: nbformat.v4.new_code_cell(src, outputs=[nbformat.v4.new_output('display_data', data={'image/png': PNG})])
    nb.cells = [nbformat.v4.new_markdown_cell('Energy $H = p^2 / 2m$.\n\n![one black dot](images/dot.png)'),
                fig('# alt: the energy along the rollout\nplt.plot(E)'), fig('# the loss\nplt.plot(loss)')]
    p = folder / 'page.ipynb'; nbformat.write(nb, p)
    return p

def _render(out, nb, mathjax):
    env = {**os.environ, 'PHYSVID_MATHJAX': str(mathjax)}
    return subprocess.run([sys.executable, str(ROOT / 'scripts' / 'docs.py'), str(out), str(nb)], capture_output=True, text=True, env=env, timeout=300)

def test_offline_html(tmp_path):
    mj = tmp_path / 'mj'; mj.mkdir()
    (mj / 'tex-svg-full.js').write_text('/* stand-in */'); (mj / 'LICENSE').write_text('Apache-2.0')
    r = _render(tmp_path / 'site', _notebook(tmp_path / 'src'), mj)
    assert r.returncode == 0, r.stderr
    html = (tmp_path / 'site' / 'page.html').read_text()
    assert (tmp_path / 'site' / 'mathjax' / 'tex-svg-full.js').read_text() == '/* stand-in */'
    assert 'src="mathjax/tex-svg-full.js"' in html and 'H = p^2 / 2m' in html
    loads = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]*)"', html)
    assert loads and not [u for u in loads if '://' in u], loads                 # no CDN: every script and sheet is local
    imgs = re.findall(r'<img[^>]*>', html)
    assert len(imgs) == 3 and all('alt="' in i for i in imgs), imgs               # every picture has alt text
    assert all('src="data:image/png;base64,' in i for i in imgs)                  # the linked picture is embedded too
    assert 'alt="one black dot"' in html and 'alt="the energy along the rollout"' in html
    assert 'alt="Figure drawn by the code cell that starts: plt.plot(loss)"' in html

def test_missing_mathjax_names_the_setup_step(tmp_path):
    r = _render(tmp_path / 'site', _notebook(tmp_path / 'src'), tmp_path / 'nowhere')
    assert r.returncode != 0 and 'MathJax is missing' in r.stderr and 'make setup' in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
