"""Packaging for an nbdev 2 project: every value comes from settings.ini (the single source of truth)."""
from configparser import ConfigParser
from pathlib import Path
import setuptools

here = Path(__file__).resolve().parent
parser = ConfigParser(delimiters=['='])
if not parser.read(here/'settings.ini', encoding='utf-8'):
    raise SystemExit('settings.ini not found next to setup.py (is it listed in MANIFEST.in?)')
cfg = parser['DEFAULT']
missing = [k for k in 'lib_name lib_path version description author author_email min_python license git_url'.split() if k not in cfg]
if missing: raise SystemExit(f'settings.ini lacks: {missing}')

spdx = {'apache2': 'Apache-2.0', 'mit': 'MIT', 'gpl3': 'GPL-3.0-or-later', 'bsd3': 'BSD-3-Clause'}
status = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
lib = cfg['lib_path']
readme = here/'README.md'

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=readme.read_text(encoding='utf-8') if readme.exists() else cfg['description'],
    long_description_content_type='text/markdown',
    author=cfg['author'], author_email=cfg['author_email'],
    url=cfg['git_url'],
    license=spdx.get(cfg['license'], cfg['license']),
    keywords=cfg.get('keywords', '').split(),
    classifiers=[f"Development Status :: {status[int(cfg.get('status', '3')) - 1]}",
                 f"Intended Audience :: {cfg.get('audience', 'Developers')}",
                 f"Natural Language :: {cfg.get('language', 'English')}",
                 f"Programming Language :: Python :: {cfg['min_python']}"],
    python_requires=f">={cfg['min_python']}",
    packages=setuptools.find_packages(include=[lib, f'{lib}.*']),
    include_package_data=True,
    install_requires=cfg.get('requirements', '').split(),
    extras_require={'dev': cfg.get('dev_requirements', '').split()},
    entry_points={
        'console_scripts': cfg.get('console_scripts', '').split(),
        # lets nbdev (doclinks/show_doc) of other projects find this library's symbol index
        'nbdev': [f'{lib}={lib}._modidx:d'],
    },
    zip_safe=False,
)
