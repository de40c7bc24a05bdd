"""Training through the spine from outside the notebooks: every registered method builds its `paper` preset and takes
one step at full input size, DDP on two CPU processes agrees across ranks, and the `fgvc` train / eval / predict
commands work end to end and fail with one clear line on bad input."""
import os, shutil, subprocess, sys
from pathlib import Path
import pytest, torch

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent




def fgvc(*args, cwd=None):
    return subprocess.run([str(BIN/'fgvc'), *map(str, args)], capture_output=True, text=True, cwd=cwd)


SMALLEST_BATCH = {'apinet': (4, dict(images_per_class=2, warmup=0))}   # API-Net pairs each image with a same-class and an other-class image: 2 classes × 2; no frozen warm-up, so the trunk's backward runs too

@pytest.mark.parametrize('slug', __import__('fgvc_tutorial.core', fromlist=['list_methods']).list_methods())
def test_paper_preset_one_step(slug, tmp_path):
    "The paper configuration (its backbone and input size) does one forward and backward pass at batch 2 (API-Net: 4) on the CPU"
    from fgvc_tutorial.core import get_method
    from fgvc_tutorial.data import fgvc_dls
    from fgvc_tutorial.runs import fgvc_learner, preset_stats
    from fgvc_tutorial.synth import SynthConfig, generate_synth
    p = get_method(slug).preset('paper')
    bs, kw = SMALLEST_BATCH.get(slug, (2, {}))
    data = generate_synth(SynthConfig(n_classes=2, n_train=bs // 2, n_test=1, size=64), tmp_path/'two')
    dls = fgvc_dls(data, size=p.size, bs=bs, num_workers=0, stats=preset_stats(p))
    learn = fgvc_learner(slug, dls, 'paper', pretrained=False, method_kw=dict(p.method_kw, **kw))
    before = [q.detach().clone() for q in learn.model.parameters()]
    with learn.no_bar(), learn.no_logging(): learn.fit(1)
    assert learn.train_iter == 1 and learn.dls.train.one_batch()[0].shape == (bs, 3, p.size, p.size)
    assert all(torch.isfinite(q).all() for q in learn.model.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, learn.model.parameters())), 'the step changed nothing'


def test_method_options_do_not_take_preset_fields(tiny):
    "A model or loss option named like a `Preset` field receives the preset's value: DCL's loss weight `gamma` once took the lr decay's 0.1"
    from dataclasses import fields
    from fgvc_tutorial.core import Preset, list_methods
    from fgvc_tutorial.data import fgvc_dls, read_dataset
    from fgvc_tutorial.learner import config_keys
    from fgvc_tutorial.runs import fgvc_learner
    meant_for_both = {'arch', 'pretrained', 'weights', 'label_smoothing'}
    preset_fields = {f.name for f in fields(Preset)}
    dls = fgvc_dls(read_dataset(tiny), size=32, bs=8, num_workers=0)
    for slug in list_methods():
        learn = fgvc_learner(slug, dls, 'quick', arch='mobilenetv3_small', pretrained=False, method_kw={'dcl': dict(grid=4)}.get(slug, {}))
        for part in (type(learn.model), type(learn.loss_func)):
            clash = (config_keys(part) & preset_fields) - meant_for_both
            assert not clash, f'{slug}: {part.__name__} takes {sorted(clash)}, which the preset also sets; rename the option'


@pytest.mark.parametrize('method', ['baseline', 'pc', 'wsdan', 'mcloss', 'sps', 'crossx', 'apinet', 'dcl', 'pmg'])
def test_ddp_two_cpu_processes(tmp_path, tiny, method):
    "torchrun, 2 processes, gloo: both ranks end with identical weights; the frozen first epoch leaves the backbone as it was (API-Net: its weights)"
    env = dict(os.environ, OMP_NUM_THREADS='1')
    r = subprocess.run([str(BIN/'torchrun'), '--standalone', '--nproc_per_node', '2', str(ROOT/'tests'/'ddp_worker.py'),
                        str(tmp_path), str(tiny), method], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-5000:]
    a, b = (torch.load(tmp_path/f'rank{i}.pth', weights_only=True) for i in (0, 1))
    for k in a['after']: assert torch.equal(a['after'][k], b['after'][k]), k
    body = [k for k in a['after'] if k.startswith('body.') and a['after'][k].is_floating_point()]
    stats = [k for k in body if k.endswith(('running_mean', 'running_var'))]
    if method == 'apinet':   # its warm-up keeps the backbone's BatchNorm in train mode: weights still, statistics moving
        assert any(not torch.equal(a['frozen'][k], a['before'][k]) for k in stats), 'the warm-up froze the BatchNorm statistics'
        body = [k for k in body if k not in stats]
    assert body and all(torch.equal(a['frozen'][k], a['before'][k]) for k in body), 'the frozen epoch changed the backbone'
    head = [k for k in a['after'] if not k.startswith('body.') and a['after'][k].is_floating_point()]   # every new layer
    assert any(not torch.equal(a['frozen'][k], a['before'][k]) for k in head), 'the frozen epoch did not train the head'
    assert any(not torch.equal(a['after'][k], a['frozen'][k]) for k in body), 'the second epoch did not train the backbone'
    assert a['n_batches'] == b['n_batches'] == 32, 'each rank reads half of the 32 training images, twice (DCL: its destroyed copies not counted)'
    if method == 'apinet':   # class-balanced: every rank's batch is one whole block of 2 classes × 4 images, the ranks' blocks differ
        for y in a['batch_labels'] + b['batch_labels']: assert sorted(torch.bincount(y).tolist())[-2:] == [4, 4] and len(y.unique()) == 2, y
        assert any(not torch.equal(p, q) for p, q in zip(a['batch_labels'], b['batch_labels'])), 'both ranks drew the same batches'


def test_cli_train_eval_predict(tmp_path, tiny):
    run = tmp_path/'run'
    r = fgvc('train', '--data', tiny, '--size', 32, '--epochs', 1, '--bs', 8, '--out', run, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert {'summary.json', 'model.pth', 'metrics.csv', 'checkpoint.pth'} <= {p.name for p in run.iterdir()}
    r = fgvc('eval', '--checkpoint', run/'model.pth', '--data', tiny)
    assert r.returncode == 0 and '"top1"' in r.stdout, r.stderr[-2000:]
    img = next((tiny/'CUB_200_2011'/'images').rglob('*.jpg'))
    r = fgvc('predict', '--checkpoint', run/'model.pth', img, '-k', 3)
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 4 and '%' in r.stdout, r.stdout + r.stderr[-2000:]
    # a dataset with other classes: one line, status 2
    from fgvc_tutorial.synth import SynthConfig, generate_synth
    other = generate_synth(SynthConfig(n_classes=3, n_train=2, n_test=2, size=64), tmp_path/'three')
    r = fgvc('eval', '--checkpoint', run/'model.pth', '--data', other)
    assert r.returncode == 2 and 'the model has 4 classes but' in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_cli_resume_and_nan(tmp_path, tiny):
    run = tmp_path/'run'
    r = fgvc('train', '--data', tiny, '--size', 32, '--epochs', 1, '--bs', 8, '--out', run)
    assert r.returncode == 0, r.stderr[-3000:]
    r = fgvc('train', '--data', tiny, '--size', 32, '--epochs', 2, '--bs', 8, '--out', run, '--resume')
    assert r.returncode == 0, r.stderr[-3000:]
    assert (run/'metrics.csv').read_text().count('\n') == 3          # header + epochs 0 and 1, none repeated
    r = fgvc('train', '--data', tiny, '--size', 32, '--epochs', 1, '--bs', 8, '--lr', 1e30, '--out', tmp_path/'nan')
    assert r.returncode == 1 and 'stopped: loss is' in r.stderr and 'no epoch had completed' in r.stderr, r.stderr[-2000:]


@pytest.mark.parametrize('args, msg', [
    (['train', '--method', 'nope'], "unknown method 'nope'"),
    (['train', '--data', '/no/such/folder'], '/no/such/folder'),
    (['train', '--preset', 'quick', '--arch', 'resnet9000'], "unknown backbone 'resnet9000'"),
    (['eval', '--checkpoint', '/no/model.pth', '--data', 'synth'], 'checkpoint not found'),
])
def test_cli_bad_input(args, msg):
    r = fgvc(*args)
    assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr[-2000:]
