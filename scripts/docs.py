"""Render notebooks to HTML that reads offline (`make docs`, and the report at the end of `make demo`).

Nothing is fetched from a CDN: the equations are typeset by MathJax 3 (the npm package mathjax@3.2.2,
pinned and fetched once by `make setup` into .venv/share/physvid/mathjax/), copied into OUT/mathjax/ and
referenced by a relative URL, so the folder can be moved or zipped; markdown pictures are embedded in
the page; every figure gets alt text (scripts/html_offline.html.j2).
Usage: python scripts/docs.py [--execute] OUT NOTEBOOK..."""
import argparse, os, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / 'scripts' / 'html_offline.html.j2'
MATHJAX = 'tex-svg-full.js'                  # MathJax 3: every TeX package, SVG output, fonts inside
MATHJAX_URL = f'mathjax/{MATHJAX}'          # relative to the page

def mathjax_dir() -> Path:
    "Where `make setup` put MathJax: the virtual environment of this Python, or $PHYSVID_MATHJAX."
    d = Path(os.environ.get('PHYSVID_MATHJAX') or Path(sys.prefix) / 'share' / 'physvid' / 'mathjax')
    if not (d / MATHJAX).is_file():
        raise SystemExit(f'docs: MathJax is missing ({d / MATHJAX}): run `make setup` '
                         f'(or `bash scripts/setup.sh --mathjax {sys.prefix}`; it needs npm)')
    return d

def copy_mathjax(out:Path) -> Path:
    "Copy MathJax (one file and its licence) next to the pages."
    src, dst = mathjax_dir(), Path(out) / 'mathjax'
    dst.mkdir(parents=True, exist_ok=True)
    for name in (MATHJAX, 'LICENSE'): shutil.copyfile(src / name, dst / name)
    return dst

def render(out:Path, notebooks:list, execute:bool=False, timeout:int=600) -> list:
    "Write OUT/NAME.html for every notebook (executed first with `execute`); returns the HTML paths."
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    cmd = [sys.executable, '-m', 'jupyter', 'nbconvert', '--log-level=WARN', '--to', 'html', '--template-file', str(TEMPLATE),
           f'--HTMLExporter.mathjax_url={MATHJAX_URL}', '--HTMLExporter.embed_images=True', '--output-dir', str(out)]
    if execute: cmd += ['--execute', '--ExecutePreprocessor.kernel_name=python3', f'--ExecutePreprocessor.timeout={timeout}']
    subprocess.run(cmd + [str(p) for p in notebooks], check=True)
    return [out / (Path(p).stem + '.html') for p in notebooks]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--execute', action='store_true', help='run every notebook before rendering it')
    ap.add_argument('out', type=Path)
    ap.add_argument('notebooks', nargs='+', type=Path)
    a = ap.parse_args()
    pages = render(a.out, a.notebooks, a.execute)
    print(f'HTML in {a.out}/ ({len(pages)} pages, MathJax in {a.out}/mathjax/, nothing loaded from the network)')
