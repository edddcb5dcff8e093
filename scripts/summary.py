"""Count notebooks (from nbdev_test's log) and pytest tests (from its JUnit XML); print one line
`N passed, N failed` and exit 1 if anything failed or did not run."""
import re, sys
import xml.etree.ElementTree as ET
from pathlib import Path

def notebook_counts(log):
    "Completed and failed notebook counts from an `nbdev_test --do_print` log."
    text = Path(log).read_text() if Path(log).exists() else ''
    done = len(re.findall(r'^- Completed ', text, flags=re.M))
    failed = []
    if 'Failed On The Following Notebooks' in text:
        tail = text.split('Failed On The Following Notebooks', 1)[1]
        failed = re.findall(r'^\t(\S+\.ipynb)', tail, flags=re.M)
    if done == 0: failed = failed or ['<nbdev_test ran no notebook>']
    return max(done - len(failed), 0), failed

def pytest_counts(xml):
    "Passed, failed and skipped test counts from a JUnit XML file."
    if not Path(xml).exists(): return 0, 1, 0
    suites = ET.parse(xml).getroot()
    suite = suites if suites.tag == 'testsuite' else suites.find('testsuite')
    n, f, e, s = (int(suite.get(k, 0)) for k in ('tests', 'failures', 'errors', 'skipped'))
    return n - f - e - s, f + e, s

if __name__ == '__main__':
    nb_pass, nb_fail = notebook_counts(sys.argv[1])
    py_pass, py_fail, py_skip = pytest_counts(sys.argv[2])
    for name in nb_fail: print(f'FAILED notebook: {name}')
    print(f'notebooks: {nb_pass} passed, {len(nb_fail)} failed; pytest: {py_pass} passed, {py_fail} failed, {py_skip} skipped')
    passed, failed = nb_pass + py_pass, len(nb_fail) + py_fail
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)
