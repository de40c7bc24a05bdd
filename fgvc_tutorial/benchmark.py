"""One controlled leaderboard of every method: seeded `quick` runs on the synthetic birds, the `real` runs' files, and a timed speed run for any device; `fgvc bench` runs them."""

import json, math, os, tempfile, time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from fastai.callback.core import Callback, CancelFitException

from .core import atomic_write, get_method, list_methods, numerics, set_seed
from .data import fgvc_dls, read_dataset
from .results import accuracy_se, load_result, results_dir, step_time
from .runs import fgvc_learner, fgvc_train, git_commit, preset_stats
from .viz import localization_report

# ---- counting backbone passes
@contextmanager
def images_through(module):
    "Inside the block, a list that grows by the batch size of every forward call of `module`"
    seen = []
    hook = module.register_forward_hook(lambda m, args, out: seen.append(args[0].shape[0]))
    try: yield seen
    finally: hook.remove()

class _OneStep(Callback):
    order = 100
    def after_batch(self): raise CancelFitException()

def backbone_passes(learn)->dict:
    "Backbone passes per image of one training step (with every callback of the method) and of one test-time forward, counted by a hook"
    net = getattr(learn.model, 'module', learn.model)
    with images_through(net.body) as seen, learn.no_bar(), learn.no_logging(): learn.fit(1, cbs=_OneStep())
    train = sum(seen) / learn.dls.train.bs
    x = learn.dls.valid.one_batch()[0]
    net.eval()
    with images_through(net.body) as seen, torch.no_grad(): net(x)
    return dict(train=round(train, 2), test=round(sum(seen) / len(x), 2))

def n_params(model)->int: return sum(p.numel() for p in model.parameters())

def steady_step_time(learn, epochs:int, steps:int=3, warmup:int=1)->float:
    "`results.step_time` in the last epoch of an `epochs`-long run: past frozen warm-ups (`freeze_epochs`, API-Net's) and early phases"
    learn.epoch_offset, learn.total_epochs = epochs - 1, epochs    # what `FreezeBackboneCallback` and `PhaseCallback` read the run's position from
    return step_time(learn, steps=steps, warmup=warmup)

# ---- seeded accuracy runs
def _mean_sd(vals:list)->tuple:
    vals = [v for v in vals if v is not None]
    if not vals: return None, None
    return round(float(np.mean(vals)), 2), (round(float(np.std(vals, ddof=1)), 2) if len(vals) > 1 else None)

def _part_scores(model, p, data)->dict|None:
    "Pointing game and box energy of the model's own map (`viz.where_it_looks`) on every test image, when the data has parts"
    if data.parts is None: return None
    dl = fgvc_dls(data, size=p.size, bs=100, with_parts=True, stats=preset_stats(p), num_workers=0).valid
    return localization_report(model, dl, n_parts=data.parts.shape[1], n_batches=len(dl))

def bench_file(slug:str, kind:str, out=None)->Path: return Path(out or results_dir())/f'{slug}-bench-{kind}.json'

def bench_accuracy(slug:str, preset:str='quick', seeds:int=3, out=None, # out: folder of the result file (default `results/`)
                   ratio_rounds:int=2)->dict:
    "Train `slug` with `preset` once per seed (the preset's seed, +1, ...); final-epoch scores, part localisation, cost; writes `<slug>-bench-<preset>.json`"
    info = get_method(slug); p = info.preset(preset)
    data = read_dataset(p.data, check='none', **p.data_kw)
    runs = []
    for i in range(seeds):
        with tempfile.TemporaryDirectory() as tmp:
            learn, s = fgvc_train(slug, preset, out=tmp, progress=False, seed=p.seed + i)
        runs.append(dict(seed=p.seed + i, top1=s['top1'], top5=s['top5'], mean_class_accuracy=s['mean_class_accuracy'],
                         images_per_second=s['images_per_second'], train_seconds=s['train_seconds'],
                         parts=_part_scores(learn.model, p, data)))
    cost = bench_cost(slug, p, rounds=ratio_rounds)
    res = dict(method=slug, preset=preset, data=str(p.data), data_kw=p.data_kw, backbone=p.arch, size=p.size, epochs=p.epochs, bs=p.bs,
               n_images=s['n_images'], n_classes=s['n_classes'], seeds=[r['seed'] for r in runs], runs=runs, **cost,
               device=s['device'], numerics=s['numerics'], commit=git_commit(), date=time.strftime('%Y-%m-%d'))
    for k in ('top1', 'top5', 'mean_class_accuracy', 'images_per_second'):
        res[k], res[f'{k}_sd'] = _mean_sd([r[k] for r in runs])
    if runs[0]['parts']:
        for k in ('pointing_game', 'box_energy'): res[k], res[f'{k}_sd'] = _mean_sd([r['parts'][k] for r in runs])
        res['box_area'] = runs[0]['parts']['box_area']
    path = bench_file(slug, preset, out); path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as f: json.dump(res, f, indent=1)
    return res

def bench_cost(slug:str, p, rounds:int=2, steps:int=3, device=None)->dict:
    "Parameters, backbone passes and the training-step time over the baseline's on the same data, backbone, size and batch (alternating rounds)"
    dls = _bench_dls(p, device)
    make = lambda: fgvc_learner(slug, dls, p)
    make_base = lambda: fgvc_learner('baseline', dls, p.replace(method_kw={}))
    learn = make()
    res = dict(params=n_params(learn.model), backbone_passes=backbone_passes(learn))
    times = []
    for r in range(rounds):
        t = {}
        for name in (('baseline', 'method') if r % 2 == 0 else ('method', 'baseline')):
            set_seed(p.seed); t[name] = steady_step_time((make_base if name == 'baseline' else make)(), p.epochs, steps=steps)
        times.append((t['baseline'], t['method']))
    b, m = (float(np.mean(x)) for x in zip(*times))
    return dict(res, baseline_step_s=round(b, 4), step_s=round(m, 4), step_time_ratio=round(m / b, 2),
                ratio_per_round=[round(mm / bb, 2) for bb, mm in times])

def _bench_dls(p, device=None):
    from .runs import preset_dls
    return preset_dls(p, device=device)

# ---- the speed run (the command for a GPU)
def speed_file(slug:str, device, out=None)->Path:
    "`<slug>-speed-gpu.json` on CUDA; elsewhere `<slug>-speed-<device>-bench.json`, beside the chapters' own `-speed-cpu.json`"
    kind = 'gpu' if torch.device(device).type == 'cuda' else f'{torch.device(device).type}-bench'
    return Path(out or results_dir())/f'{slug}-speed-{kind}.json'

def speed_data(bs:int, batches:int, n_classes:int=200, side:int=64):
    "Synthetic birds enough for `batches` training batches of `bs` (at least 4 a class), drawn small: the loader resizes them to the preset's input"
    n_train = max(4, math.ceil(bs * batches / n_classes))
    return dict(n_classes=n_classes, n_train=n_train, n_test=1, size=side, difficulty='easy')

def _free(dev):
    import gc; gc.collect()
    if dev.type == 'cuda': torch.cuda.empty_cache()

def _timed_step(learn, epochs:int, steps:int, warmup:int, dev)->tuple:
    "(median step seconds, peak device memory in GB or None) of a fresh learner"
    if dev.type == 'cuda': torch.cuda.synchronize(dev); torch.cuda.reset_peak_memory_stats(dev)
    t = steady_step_time(learn, epochs, steps=steps, warmup=warmup)
    return t, (round(torch.cuda.max_memory_allocated(dev) / 2**30, 2) if dev.type == 'cuda' else None)

def speed_one(slug:str, dev, preset:str='paper', steps:int=10, warmup:int=3, rounds:int=2, size:int|None=None, bs:int|None=None,
              num_workers:int|None=None)->dict:
    "One method's training step against the baseline's (same backbone, input, batch) on synthetic images: time, images/s, peak memory, passes"
    p = get_method(slug).preset(preset, **{k: v for k, v in dict(size=size, bs=bs).items() if v})
    p = p.replace(data='synth', data_kw=speed_data(p.bs, warmup + steps + 1), pretrained=False, weights=None, valid='test',
                  **({} if num_workers is None else dict(num_workers=num_workers)))
    dls = _bench_dls(p, dev)
    make = {'method': lambda: fgvc_learner(slug, dls, p), 'baseline': lambda: fgvc_learner('baseline', dls, p.replace(method_kw={}))}
    times, mem = {'method': [], 'baseline': []}, {}
    for r in range(rounds):
        for name in (('baseline', 'method') if r % 2 == 0 else ('method', 'baseline')):
            set_seed(p.seed); learn = make[name]()
            if r == 0 and name == 'method': extra = dict(params=n_params(learn.model))
            t, m = _timed_step(learn, p.epochs, steps, warmup, dev); times[name].append(t); mem[name] = m
            del learn; _free(dev)
    set_seed(p.seed); learn = make['method'](); extra['backbone_passes'] = backbone_passes(learn); del learn; _free(dev)
    m, b = float(np.mean(times['method'])), float(np.mean(times['baseline']))
    return dict(method=slug, preset=preset, backbone=p.arch, size=p.size, bs=p.bs, steps=steps, warmup=warmup, rounds=rounds,
                bf16=dev.type == 'cuda', channels_last=dev.type == 'cuda', step_s=round(m, 4), baseline_step_s=round(b, 4),
                step_time_ratio=round(m / b, 2), ratio_per_round=[round(x / y, 2) for x, y in zip(times['method'], times['baseline'])],
                images_per_second=round(p.bs / m, 1), baseline_images_per_second=round(p.bs / b, 1),
                peak_memory_gb=mem['method'], baseline_peak_memory_gb=mem['baseline'], **extra)

def real_epoch(slug:str, dev, epochs:int=1)->dict:
    "Train the `real` preset on cub100 for `epochs` (its schedule squeezed to them); final scores and training throughput"
    p = get_method(slug).preset('real', epochs=epochs)
    with tempfile.TemporaryDirectory() as tmp:
        _, s = fgvc_train(slug, 'real', out=tmp, dls=_bench_dls(p, dev), progress=False, epochs=epochs)
    return {k: s[k] for k in ('epochs', 'top1', 'top5', 'mean_class_accuracy', 'n_images', 'train_seconds', 'images_per_second')}

def _save(res:dict, path:Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as f: json.dump(res, f, indent=1)

def bench_speed(slugs=None,            # methods (default: every registered one)
                device=None,           # 'cuda', 'cpu', ... (default: `core.default_device()`)
                preset:str='paper', steps:int=10, warmup:int=3, rounds:int=2,
                size:int|None=None, bs:int|None=None, # override the preset's input side and batch (e.g. small, for a CPU check)
                real:bool=True,        # then train the `real` preset one epoch per method on cub100, while time allows
                time_limit:float=450., # seconds for the whole run: a method is skipped when it would not fit
                out=None, log=print)->list:
    "The speed run: every method's timed step against the baseline, then one `real` epoch each while time allows; writes one file per method"
    from .core import default_device, find_cub100
    dev = torch.device(device) if device else default_device(); slugs = list(slugs or list_methods())
    t0, rows, spent = time.perf_counter(), [], {}
    left = lambda: time_limit - (time.perf_counter() - t0)
    base = dict(device=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'cpu ({torch.get_num_threads()} threads)',
                numerics=numerics(dev), commit=git_commit(), date=time.strftime('%Y-%m-%d'))
    for i, slug in enumerate(slugs):
        later = list(spent.values())[1:]                  # the first method also pays the process's start-up (CUDA, cuDNN autotuning)
        need = 1.2 * float(np.median(later)) if later else 0.
        if left() < need: log(f'bench: {slug}: skipped, {left():.0f} s left and a method takes about {need / 1.2:.0f} s'); continue
        t = time.perf_counter()
        try: res = speed_one(slug, dev, preset, steps, warmup, rounds, size, bs)
        except Exception as e:
            if dev.type == 'cuda': torch.cuda.empty_cache()
            res = dict(method=slug, preset=preset, error=f'{type(e).__name__}: {str(e)[:300]}')
        spent[slug] = time.perf_counter() - t
        res = dict(res, **base, seconds=round(spent[slug], 1)); rows.append(res); _save(res, speed_file(slug, dev, out))
        log(speed_line(res))
    cub = find_cub100() if real else None
    if real and cub is None: log('bench: no cub100 folder (set FGVC_CUB100): the real epochs are skipped')
    took = []
    for res in rows if cub is not None else []:
        need = 1.3 * max(took, default=60. if dev.type == 'cuda' else 3600.)
        if left() < need: res['real_epoch'] = dict(skipped=f'{left():.0f} s left, an epoch needs about {need:.0f} s'); continue
        t = time.perf_counter()
        try: res['real_epoch'] = real_epoch(res['method'], dev)
        except Exception as e: res['real_epoch'] = dict(error=f'{type(e).__name__}: {str(e)[:300]}')
        took.append(time.perf_counter() - t); _free(dev)
        _save(res, speed_file(res['method'], dev, out))
        log(f"bench: {res['method']}: one real epoch: " + (f"top-1 {res['real_epoch']['top1']:.1f} %, {res['real_epoch']['images_per_second']:.0f} img/s"
                                                        if 'top1' in res['real_epoch'] else str(res['real_epoch'])) + f' ({took[-1]:.0f} s)')
    log(f'bench: {time.perf_counter() - t0:.0f} s in all')
    return rows

def speed_line(r:dict)->str:
    if 'error' in r: return f"bench: {r['method']}: failed: {r['error']}"
    return (f"bench: {r['method']}: {r['backbone']} {r['size']} px, batch {r['bs']}: {r['images_per_second']:.1f} img/s, "
            f"step {r['step_time_ratio']:.2f}x the baseline's, peak {r['peak_memory_gb'] if r['peak_memory_gb'] is not None else '–'} GB ({r['seconds']:.0f} s)")

def speed_table(rows:list)->str:
    "The speed run as a text table: images/s, the ratio to the baseline in the same run, peak memory, passes, one real epoch; failures below it"
    head = ('method', 'backbone', 'px', 'batch', 'img/s', 'baseline img/s', 'ratio', 'peak GB', 'passes', 'real 1 ep top-1', 'real img/s')
    def cells(r):
        re_ = r.get('real_epoch') or {}
        return (r['method'], r['backbone'], str(r['size']), str(r['bs']), f"{r['images_per_second']:.1f}", f"{r['baseline_images_per_second']:.1f}",
                f"{r['step_time_ratio']:.2f}", '–' if r['peak_memory_gb'] is None else f"{r['peak_memory_gb']:.1f}",
                f"{r['backbone_passes']['train']:g}/{r['backbone_passes']['test']:g}",
                f"{re_['top1']:.1f}" if 'top1' in re_ else '–', f"{re_['images_per_second']:.0f}" if 'top1' in re_ else '–')
    rows_ = [head] + [cells(r) for r in rows if 'error' not in r]
    w = [max(len(c[i]) for c in rows_) for i in range(len(head))]
    lines = ['  '.join(c.ljust(n) for c, n in zip(row, w)).rstrip() for row in rows_]
    return '\n'.join(lines + [f"{r['method']}: failed: {r['error']}" for r in rows if 'error' in r])

# ---- the leaderboard
def load_bench(slug:str, kind:str, start=None)->dict|None:
    "A bench result file (`kind`: 'quick', 'real', ...), or None"
    path = bench_file(slug, kind, results_dir(start))
    return json.loads(path.read_text()) if path.is_file() else None

def load_speed(slug:str, kind:str='gpu', start=None)->dict|None:
    "The speed run's file of `slug` (`kind` 'gpu', or 'cpu-bench'), or None"
    path = results_dir(start)/f'{slug}-speed-{kind}.json'
    return json.loads(path.read_text()) if path.is_file() else None

def mean_se(r:dict, key:str='top1')->float:
    "Standard error of a bench file's mean `key`: seed-to-seed sd / √seeds, or the binomial error of one run's top-1"
    sd, n = r.get(f'{key}_sd'), len(r.get('runs', [])) or 1
    return sd / math.sqrt(n) if sd is not None else accuracy_se(r[key], r['n_images'])

def versus(a:float, a_se:float, b:float, b_se:float, z:float=2.)->str:
    "'above', 'below', or 'level' (inside `z` standard errors of the difference: seed noise)"
    d, se = a - b, math.hypot(a_se, b_se)
    return 'level' if abs(d) <= z * se else ('above' if d > 0 else 'below')

def paper_reported(slug:str)->dict|None:
    "The paper's own CUB-200-2011 top-1 with the backbone of our `paper` preset, from the registry"
    info = get_method(slug); arch = info.presets['paper'].arch if 'paper' in info.presets else None
    return next((x for x in info.reported if x['dataset'] == 'CUB-200-2011' and x['backbone'] == arch), None)

def leaderboard(preset:str='quick', slugs=None, start=None):
    "One row per method with a bench file: accuracy over seeds with its noise label, cost, localisation, the real run and the paper's own number"
    import pandas as pd
    base, base_real = load_bench('baseline', preset, start), load_result('baseline', 'real', start)
    rows = []
    for s in slugs or list_methods():
        if (r := load_bench(s, preset, start)) is None: continue
        real, gpu, rep = load_result(s, 'real', start), load_speed(s, 'gpu', start), paper_reported(s)
        rows.append(dict(
            method=s, year=get_method(s).year, size=r['size'], seeds=len(r['runs']),
            top1=r['top1'], top1_sd=r['top1_sd'], top1_se=mean_se(r),
            vs_baseline='(baseline)' if s == 'baseline' else versus(r['top1'], mean_se(r), base['top1'], mean_se(base)) if base else None,
            top5=r['top5'], mean_class=r['mean_class_accuracy'], images_per_second=r['images_per_second'],
            step_ratio=r['step_time_ratio'], params_m=round(r['params'] / 1e6, 2),
            passes=f"{r['backbone_passes']['train']:g} / {r['backbone_passes']['test']:g}",
            pointing=r.get('pointing_game'), pointing_sd=r.get('pointing_game_sd'), box_energy=r.get('box_energy'),
            box_energy_sd=r.get('box_energy_sd'), box_area=r.get('box_area'),
            real_top1=real['top1'] if real else None,
            real_vs_baseline=None if not (real and base_real) or s == 'baseline' else
                versus(real['top1'], accuracy_se(real['top1'], real['n_images']), base_real['top1'], accuracy_se(base_real['top1'], base_real['n_images'])),
            gpu_ratio=gpu.get('step_time_ratio') if gpu else None, gpu_images_per_second=gpu.get('images_per_second') if gpu else None,
            gpu_peak_gb=gpu.get('peak_memory_gb') if gpu else None,
            paper_top1=rep['top1'] if rep else None, paper_backbone=rep['backbone'] if rep else None))
    return pd.DataFrame(rows)

def _pm(m, sd, digits=1): return '–' if m is None else f'{m:.{digits}f}' + (f' ± {sd:.{digits}f}' if sd is not None else '')
def _or_dash(v, fmt='{}'): return '–' if v is None or (isinstance(v, float) and math.isnan(v)) else fmt.format(v)

def leaderboard_markdown(df)->str:
    "The leaderboard as a Markdown table; the paper's own numbers stand in the last column, apart from ours"
    head = ['method', 'year', 'quick top-1 % (mean ± sd)', 'vs baseline', 'top-5 %', 'mean-class %', 'img/s (CPU)', 'step ratio',
            'params (M)', 'passes train / test', 'pointing game', 'box energy', 'real top-1 %', 'real vs baseline', '‖ paper, CUB (backbone)']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for r in df.to_dict('records'):
        lines.append('| ' + ' | '.join([r['method'], str(r['year']), _pm(r['top1'], r['top1_sd']), r['vs_baseline'] or '–', _or_dash(r['top5'], '{:.1f}'),
            _or_dash(r['mean_class'], '{:.1f}'), _or_dash(r['images_per_second'], '{:.0f}'), _or_dash(r['step_ratio'], '{:.2f}'), f"{r['params_m']:.2f}",
            r['passes'], _pm(r['pointing'], r['pointing_sd'], 2), _pm(r['box_energy'], r['box_energy_sd'], 2), _or_dash(r['real_top1'], '{:.1f}'),
            r['real_vs_baseline'] or ('(baseline)' if r['method'] == 'baseline' else '–'),
            f"{r['paper_top1']} ({r['paper_backbone']})" if r['paper_top1'] is not None else '–']) + ' |')
    return '\n'.join(lines)

def accuracy_table(rows:list)->str:
    "`fgvc bench --preset ...` as a text table: top-1 over seeds, top-5, mean-class, images/s, step ratio, passes, part localisation"
    head = ('method', 'seeds', 'top-1 %', 'top-5 %', 'mean-class %', 'img/s', 'step ratio', 'passes', 'pointing', 'box energy')
    cells = [head] + [(r['method'], str(len(r['runs'])), _pm(r['top1'], r['top1_sd']), _pm(r['top5'], r['top5_sd']),
                       _pm(r['mean_class_accuracy'], r['mean_class_accuracy_sd']), f"{r['images_per_second']:.1f}", f"{r['step_time_ratio']:.2f}",
                       f"{r['backbone_passes']['train']:g}/{r['backbone_passes']['test']:g}", _pm(r.get('pointing_game'), r.get('pointing_game_sd'), 2),
                       _pm(r.get('box_energy'), r.get('box_energy_sd'), 2)) for r in rows]
    w = [max(len(c[i]) for c in cells) for i in range(len(head))]
    return '\n'.join('  '.join(c.ljust(n) for c, n in zip(row, w)).rstrip() for row in cells)
