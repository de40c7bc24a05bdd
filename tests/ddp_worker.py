"""Run by tests/test_ddp.py under `torchrun --nproc_per_node 2`: one short epoch of the baseline with DDP on the gloo
backend, then each rank saves its final weights so the test can check that the replicas agree."""
import os, sys
from pathlib import Path
import torch
from fgvc_tutorial.core import set_seed
from fgvc_tutorial.data import fgvc_dls, read_dataset
from fgvc_tutorial.learner import fgvc_learner, fit_fgvc, ddp_ctx

out = Path(sys.argv[1]); data = read_dataset(sys.argv[2])
torch.set_num_threads(1)
set_seed(0)
dls = fgvc_dls(data, size=32, bs=8, num_workers=0, stats=([.5]*3, [.5]*3))
learn = fgvc_learner('baseline', dls, 'quick', arch='mobilenetv3_small', pretrained=False, lr=0.05)
before = {k: v.clone() for k, v in learn.model.state_dict().items()}
with learn.no_bar(), ddp_ctx(learn): fit_fgvc(learn, 1)
assert torch.distributed.is_initialized() and torch.distributed.get_world_size() == 2, 'not a 2-process DDP run'
torch.save(dict(after=learn.model.state_dict(), before=before, n_batches=learn.train_images),
           out/f"rank{os.environ['RANK']}.pth")
