"""Regenerate README.md from nbs/index.ipynb (markdown cells as they are, code cells as Python blocks),
the offline replacement for `nbdev_readme` (which needs Quarto)."""
import json, sys
from pathlib import Path

def notebook_to_markdown(nb_path) -> str:
    "The notebook's cells as one Markdown document."
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        if c['cell_type'] == 'markdown':
            if src.startswith('> '): src = src[2:]        # the nbdev subtitle becomes a plain line
            parts.append(src.replace('\n> ', '\n\n', 1) if src.startswith('# ') else src)
        else: parts.append(f'```python\n{src}\n```')
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    root = Path(__file__).resolve().parents[1]
    text = '<!-- Generated from nbs/index.ipynb by `make readme`; edit the notebook, not this file. -->\n\n'
    text += notebook_to_markdown(root / 'nbs' / 'index.ipynb')
    out = root / 'README.md'
    tmp = out.with_suffix('.md.tmp'); tmp.write_text(text, encoding='utf-8'); tmp.replace(out)
    print(f'wrote {out} ({len(text.splitlines())} lines)')
