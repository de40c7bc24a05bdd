"""Run by tests/test_training.py under `torchrun --nproc_per_node 2`: two short epochs of a method (argument 3, default
the baseline; WS-DAN runs three passes per step inside the DDP wrapper; PC pairs the halves of each rank's batch; MC-Loss draws its channel mask and SPS its swaps from `learn.generator`; SPS also switches its detach phase; Cross-X reads its OSME blocks through forward hooks and computes C3S over each rank's batch; API-Net draws class-balanced batches, one whole block per rank, takes the labels in training and runs its own warm-up phase beside the frozen epoch; DCL rewrites every rank's batch into originals and destroyed copies drawn from `learn.generator`; PMG takes three extra optimizer steps per batch on jigsaws, each loss reading one head of a full forward, with `reach_all_outputs` giving the other heads the zero gradients DDP waits for) with DDP on the gloo backend, the first with the backbone frozen (`freeze_epochs=1`; API-Net by its own warm-up phase over the first half of the steps); each rank saves its weights before, after the
frozen epoch and at the end, so the test can check that the replicas agree and that the freeze held."""
import os, sys
from pathlib import Path
import torch
from fastai.callback.core import Callback
from fgvc_tutorial.core import set_seed
from fgvc_tutorial.data import fgvc_dls, read_dataset
from fgvc_tutorial.runs import fgvc_learner, fit_fgvc, ddp_ctx

class SaveAfterFirstEpoch(Callback):
    def after_epoch(self):
        if self.epoch == 0: self.learn.frozen_state = {k: v.clone() for k, v in self.learn.model.module.state_dict().items()}
    def before_fit(self): self.learn.batch_labels = []
    def before_batch(self):
        if self.training: self.learn.batch_labels.append(self.yb[0].cpu().as_subclass(torch.Tensor).clone())

out = Path(sys.argv[1]); data = read_dataset(sys.argv[2]); method = sys.argv[3] if len(sys.argv) > 3 else 'baseline'
torch.set_num_threads(1)
set_seed(0)
dls = fgvc_dls(data, size=32, bs=8, num_workers=0, stats=([.5]*3, [.5]*3))
freeze = dict(method_kw=dict(warmup=0.5)) if method == 'apinet' else dict(freeze_epochs=1)   # API-Net: its own warm-up, BatchNorm in train mode
if method == 'dcl': freeze['method_kw'] = dict(grid=4)   # 32-px images: a 4 × 4 grid of 8-px cells (the quick preset's 3 does not divide 32)
learn = fgvc_learner(method, dls, 'quick', arch='mobilenetv3_small', pretrained=False, lr=0.05, **freeze)
learn.add_cb(SaveAfterFirstEpoch())
before = {k: v.clone() for k, v in learn.model.state_dict().items()}
with learn.no_bar(), ddp_ctx(learn): fit_fgvc(learn, 2)
assert torch.distributed.is_initialized() and torch.distributed.get_world_size() == 2, 'not a 2-process DDP run'
torch.save(dict(after=learn.model.state_dict(), before=before, frozen=learn.frozen_state, n_batches=learn.train_images,
                batch_labels=learn.batch_labels),
           out/f"rank{os.environ['RANK']}.pth")
