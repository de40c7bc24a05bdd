"""The `fgvc` command's promises on bad input and interruptions (issue 14): every refused argument is one line naming the
value and the fix, status 2, found before torch is imported and before anything is written; a dataset without training
images is refused by `train` and scored by `eval`; Ctrl-C during training is one line with the `--resume` command, status
130; progress written to a pipe is one plain line per epoch."""
import os, shlex, signal, subprocess, sys, time
from pathlib import Path
import pytest

BIN = Path(sys.executable).parent
ENV = dict(os.environ, OMP_NUM_THREADS='1')


def fgvc(*args, cwd=None, timeout=300):
    return subprocess.run([str(BIN/'fgvc'), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=ENV, timeout=timeout)


def lines(r): return (r.stdout + r.stderr).strip().splitlines()


def assert_refused(r, *words):
    "Status 2, at most 3 lines in all, no traceback, one `fgvc ...: error:` line on stderr holding `words`"
    out = r.stdout + r.stderr
    assert r.returncode == 2 and len(lines(r)) <= 3 and 'Traceback' not in out, out[-3000:]
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith('fgvc ') and ': error: ' in err[0], err
    for w in words: assert w in err[0], (w, err[0])






@pytest.fixture(scope='module')
def model(tmp_path_factory, tiny):
    "The run folder of a 1-epoch model trained on `tiny`, and what training printed"
    run = tmp_path_factory.mktemp('runs')/'run'
    r = fgvc('train', '--data', tiny, '--size', 32, '--epochs', 1, '--bs', 8, '--out', run)
    assert r.returncode == 0, r.stderr[-3000:]
    return run, r.stdout


BAD_ARGS = [
    (['train', '--epochs', '0'], ['--epochs', '0 is too small', 'pass 1 or more']),
    (['train', '--epochs', '-3'], ['--epochs', '-3 is too small']),
    (['train', '--bs', '0'], ['--bs', '0 is too small']),
    (['train', '--bs', '-2'], ['--bs', '-2 is too small']),
    (['train', '--size', '0'], ['--size', '0 is too small']),
    (['train', '--size', '-64'], ['--size', '-64 is too small']),
    (['train', '--epochs', 'two'], ['--epochs', "'two' is not a whole number"]),
    (['train', '--lr', '0'], ['--lr', '0 is not above 0']),
    (['eval', '--checkpoint', 'm.pth', '--data', 'synth', '--bs', '0'], ['--bs', '0 is too small']),
    (['predict', '--checkpoint', 'm.pth', 'bird.jpg', '-k', '0'], ['-k', '0 is too small']),
    (['synth', '--size', '0'], ['--size', '0 is too small']),
    (['synth', '--classes', '0'], ['--classes', '0 is too small']),
]


@pytest.mark.parametrize('args, words', BAD_ARGS, ids=[' '.join(a) for a, _ in BAD_ARGS])
def test_cli_refuses_bad_numbers(tmp_path, args, words):
    out = tmp_path/'run'
    if args[0] == 'train': args = args + ['--out', out]
    if args[0] == 'synth': args = args + [out]
    r = fgvc(*args, cwd=tmp_path)
    assert_refused(r, *words)
    assert sorted(tmp_path.iterdir()) == [], 'a refused command wrote something'


def test_cli_refuses_output_folder(tmp_path):
    (tmp_path/'a_file').write_text('x')
    for args, words in [(['train', '--out', tmp_path/'a_file'], ['--out', 'a_file is a file', 'pass a folder']),
                        (['train', '--out', tmp_path/'a_file'/'run'], ['--out', 'which is a file', 'pass a path below a folder']),
                        (['synth', tmp_path/'a_file'], ['argument out', 'a_file is a file']),
                        (['synth', tmp_path/'a_file'/'set'], ['argument out', 'which is a file'])]:
        assert_refused(fgvc(*args, cwd=tmp_path), *words)
    assert [p.name for p in tmp_path.iterdir()] == ['a_file'] and (tmp_path/'a_file').read_text() == 'x'


@pytest.mark.skipif(not Path('/proc/self').is_dir(), reason='needs Linux /proc')
def test_cli_refuses_unwritable_proc(tmp_path):
    "/proc takes no new folders, even from root (for whom os.access says every folder is writable)"
    assert_refused(fgvc('train', '--out', '/proc/fgvc-run', cwd=tmp_path), '--out', 'can not be written', 'pass a folder you can write to')
    assert not Path('/proc/fgvc-run').exists()


def test_cli_refuses_read_only_folder(tmp_path):
    ro = tmp_path/'ro'; ro.mkdir(); ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK): pytest.skip('running as root: permission bits do not stop root (the /proc test covers this case)')
        assert_refused(fgvc('train', '--out', ro/'run', cwd=tmp_path), '--out', 'can not be written')
        assert_refused(fgvc('synth', ro, cwd=tmp_path), 'argument out', 'can not be written')
        assert list(ro.iterdir()) == []
    finally: ro.chmod(0o755)


PROBE = 'import sys; from fgvc_tutorial.cli import main; c = main(sys.argv[1:]); print(c, sorted({"torch", "fastai"} & set(sys.modules)))'

@pytest.mark.parametrize('args', [['--help'], ['train', '--help'], ['train', '--epochs', '0'], ['train', '--out', '/proc/x']])
def test_cli_help_and_mistakes_import_no_torch(args):
    "`fgvc --help` and argument mistakes answer without importing torch or fastai (5-8 s before issue 14)"
    r = subprocess.run([sys.executable, '-c', PROBE, *args], capture_output=True, text=True, env=ENV)
    assert r.stdout.strip().splitlines()[-1] in ('0 []', '2 []'), r.stdout[-500:] + r.stderr[-2000:]
    t = time.perf_counter(); assert fgvc(*args).returncode in (0, 2)
    assert time.perf_counter() - t < 3, 'slow answer: something heavy is imported before parsing'


def test_cli_train_refuses_test_only_data_eval_scores_it(tmp_path, test_only, model):
    run = tmp_path/'run'
    assert_refused(fgvc('train', '--data', test_only, '--size', 32, '--epochs', 1, '--bs', 8, '--out', run),
                   'no training images', 'nothing to train on', 'fix: ')
    assert not run.exists(), 'the refused run left a folder'
    r = fgvc('eval', '--checkpoint', model[0]/'model.pth', '--data', test_only)
    assert r.returncode == 0 and '"n_images": 8' in r.stdout and f'"data": "{test_only}"' in r.stdout, r.stdout + r.stderr[-3000:]


def test_cli_train_progress_in_a_pipe(model):
    "The fixture's training wrote to a pipe: a header and one plain line per epoch, no carriage returns or bar characters"
    run, stdout = model
    head, *rest = stdout.splitlines()
    assert '\r' not in stdout and '█' not in stdout, stdout[:1000]
    assert head.split() == ['epoch', 'train_loss', 'valid_loss', 'accuracy', 'top5', 'mean_class_accuracy', 'time'], head
    assert rest[0].split()[0] == '0' and len(rest[0].split()) == 7 and rest[1] == '{', stdout[:1000]


def test_cli_interrupt_is_one_line_and_resumable(tmp_path, tiny):
    "Ctrl-C (SIGINT to the process group, as a terminal sends it) after the first epoch: one line, status 130, a --resume command"
    run = tmp_path/'run'
    args = ['train', '--data', str(tiny), '--size', '32', '--epochs', '30', '--bs', '8', '--out', str(run)]
    p = subprocess.Popen([str(BIN/'fgvc'), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
    t = time.time()
    while not (run/'checkpoint.pth').exists() and p.poll() is None and time.time() - t < 300: time.sleep(0.05)
    os.killpg(p.pid, signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130 and 'Traceback' not in out + err, out[-2000:] + err[-3000:]
    assert len(err.strip().splitlines()) == 1 and len((out + err).strip().splitlines()) <= 6, out + err
    done = len((run/'metrics.csv').read_text().splitlines()) - 1
    assert 1 <= done < 30 and f'interrupted in epoch {done + 1} of 30' in err, err
    assert shlex.split(err.split('continue with: ')[1]) == ['fgvc', *args, '--resume'], err
    assert (run/'checkpoint.pth').is_file() and not (run/'model.pth').exists()
