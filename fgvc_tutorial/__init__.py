__version__ = "0.0.1"

import importlib.abc as _abc, importlib.machinery as _machinery, sys as _sys, warnings as _warnings

class _QuietFastaiLayers(_abc.MetaPathFinder):
    "Import `fastai.layers` (whichever module imports it first) without torch's FutureWarning about its `torch.jit.script`"
    def find_spec(self, name, path=None, target=None):
        if name != 'fastai.layers': return None
        _sys.meta_path.remove(self)                                       # once: the module is cached from now on
        spec = _machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None: return spec
        run = spec.loader.exec_module
        def exec_module(module):
            with _warnings.catch_warnings():                              # restores the caller's filters afterwards
                _warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated', category=FutureWarning)
                run(module)
        spec.loader.exec_module = exec_module
        return spec

if 'fastai.layers' not in _sys.modules and not any(type(f).__name__ == '_QuietFastaiLayers' for f in _sys.meta_path):
    _sys.meta_path.insert(0, _QuietFastaiLayers())
