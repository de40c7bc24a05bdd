"""Hostile archives and checksums (issue 14): `safe_extract` refuses links, special files and escaping names before it
writes anything; downloads are verified against pinned sums and a bad download is deleted. Fixtures are built in
tmp_path; file:// URLs stand in for the dataset servers (the network is disabled by conftest.py)."""
import hashlib, io, os, re, stat, tarfile, zipfile
import pytest
import fgvc_tutorial.data as fdata
from fgvc_tutorial.core import DataError
from fgvc_tutorial.data import Archive, ARCHIVES, check_archive, download_dataset, download_file, safe_extract


def snapshot(root):
    "Every path under `root` (links not followed) with its kind and size or link target"
    out = {}
    for d, dirs, files, fd in os.fwalk(root):          # directory fds: paths longer than PATH_MAX are still walked
        for n in dirs + files:
            st = os.stat(n, dir_fd=fd, follow_symlinks=False)
            out[os.path.relpath(os.path.join(d, n), root)] = (stat.S_IFMT(st.st_mode),
                os.readlink(n, dir_fd=fd) if stat.S_ISLNK(st.st_mode) else st.st_size)
    return out


def info(name, type=tarfile.REGTYPE, linkname='', data=b''):
    i = tarfile.TarInfo(name); i.type, i.linkname = type, linkname
    if type == tarfile.REGTYPE: i.size = len(data)
    return i, (io.BytesIO(data) if type == tarfile.REGTYPE else None)


def make_tar(path, members):
    path.parent.mkdir(exist_ok=True)
    with tarfile.open(path, 'w', format=tarfile.GNU_FORMAT) as t:   # GNU: long names and link names
        for i, f in members: t.addfile(i, f)
    return path


def make_zip(path, members):
    with zipfile.ZipFile(path, 'w') as z:
        for name, mode, data in members:
            zi = zipfile.ZipInfo(name); zi.create_system = 3
            zi.external_attr = mode << 16
            z.writestr(zi, data)
    return path


def ok(): return info('data/ok.txt', data=b'bird')   # a benign member first: it must not be written either


def path_max_chain():
    "CVE-2025-4517: symlinks chained until the resolved path exceeds PATH_MAX, then a link and a file through it"
    comp, steps, path, ms = 'd' * 247, 'abcdefghijklmnop', '', []
    for s in steps:
        ms += [info(os.path.join(path, comp), tarfile.DIRTYPE), info(os.path.join(path, s), tarfile.SYMTYPE, comp)]
        path = os.path.join(path, comp)
    linkpath = os.path.join(*steps, 'l' * 254)                  # realpath gives up here (ENAMETOOLONG) ...
    ms.append(info(linkpath, tarfile.SYMTYPE, '../' * len(steps)))   # ... but the kernel resolves this to the target
    ms.append(info('escape', tarfile.SYMTYPE, linkpath + '/..'))   # so this is the target's parent
    ms.append(info('escape/pwned.txt', data=b'pwned'))
    return ms


def tar_cases(tmp):
    return {
        'dotdot': ([ok(), info('../escaped.txt', data=b'x')], '../escaped.txt'),
        'absolute': ([ok(), info(str(tmp/'abs_escaped.txt'), data=b'x')], str(tmp/'abs_escaped.txt')),
        'symlink': ([ok(), info('data/link', tarfile.SYMTYPE, 'ok.txt')], 'data/link'),
        'symlink_out': ([ok(), info('data/link', tarfile.SYMTYPE, '../../outside')], 'data/link'),
        'hardlink': ([ok(), info('data/hard', tarfile.LNKTYPE, 'data/ok.txt')], 'data/hard'),
        'hardlink_out': ([ok(), info('data/hard', tarfile.LNKTYPE, '../victim.txt')], 'data/hard'),
        'chardev': ([ok(), info('data/dev', tarfile.CHRTYPE)], 'data/dev'),
        'fifo': ([ok(), info('data/fifo', tarfile.FIFOTYPE)], 'data/fifo'),
        'chain': ([ok(), info('sub', tarfile.DIRTYPE), info('sub/lnk', tarfile.SYMTYPE, '..'),
                   info('sub/lnk/lnk2', tarfile.SYMTYPE, '..'), info('sub/lnk/lnk2/escaped.txt', data=b'x')], 'sub/lnk'),
        'path_max': ([ok()] + path_max_chain(), 'a'),
    }


ZIP_CASES = {
    'dotdot': ([('data/ok.txt', 0o100644, 'bird'), ('../escaped.txt', 0o100644, 'x')], '../escaped.txt'),
    'absolute': ([('data/ok.txt', 0o100644, 'bird'), ('/abs_escaped.txt', 0o100644, 'x')], '/abs_escaped.txt'),
    'symlink': ([('data/ok.txt', 0o100644, 'bird'), ('data/link', stat.S_IFLNK | 0o777, '../../outside')], 'data/link'),
    'chain': ([('data/ok.txt', 0o100644, 'bird'), ('sub/lnk', stat.S_IFLNK | 0o777, '..'),
               ('sub/lnk/lnk2', stat.S_IFLNK | 0o777, '..')], 'sub/lnk'),
    'fifo': ([('data/ok.txt', 0o100644, 'bird'), ('data/fifo', stat.S_IFIFO | 0o644, '')], 'data/fifo'),
    'chardev': ([('data/ok.txt', 0o100644, 'bird'), ('data/dev', stat.S_IFCHR | 0o644, '')], 'data/dev'),
}


def assert_refused(archive, dest, member, tmp_path):
    before = snapshot(tmp_path)
    with pytest.raises(DataError) as e: safe_extract(archive, dest)
    assert repr(member) in str(e.value) and str(archive) in str(e.value) and 'fix:' in str(e.value)
    assert snapshot(tmp_path) == before, 'something was written'


@pytest.mark.parametrize('case', ['dotdot', 'absolute', 'symlink', 'symlink_out', 'hardlink', 'hardlink_out',
                                  'chardev', 'fifo', 'chain', 'path_max'])
def test_hostile_tar_is_refused_before_anything_is_written(tmp_path, case):
    members, bad = tar_cases(tmp_path)[case]
    (tmp_path/'victim.txt').write_text('keep')
    assert_refused(make_tar(tmp_path/'arc'/f'{case}.tar', members), tmp_path/'dest'/'target', bad, tmp_path)


@pytest.mark.parametrize('case', list(ZIP_CASES))
def test_hostile_zip_is_refused_before_anything_is_written(tmp_path, case):
    members, bad = ZIP_CASES[case]
    assert_refused(make_zip(tmp_path/f'{case}.zip', members), tmp_path/'dest', bad, tmp_path)


def test_refused_into_an_existing_target_too(tmp_path):
    (tmp_path/'dest').mkdir(); (tmp_path/'dest'/'old.txt').write_text('old')
    members, bad = tar_cases(tmp_path)['chain']
    assert_refused(make_tar(tmp_path/'chain.tar', members), tmp_path/'dest', bad, tmp_path)


def test_a_link_already_on_disk_cannot_carry_a_member_outside(tmp_path):
    (tmp_path/'outside').mkdir(); (tmp_path/'dest').mkdir()
    (tmp_path/'dest'/'data').symlink_to(tmp_path/'outside')         # left by someone else, pointing out
    assert_refused(make_tar(tmp_path/'ok.tar', [ok()]), tmp_path/'dest', 'data/ok.txt', tmp_path)


def test_benign_archives_extract(tmp_path):
    ms = [info('CUB_200_2011', tarfile.DIRTYPE), info('CUB_200_2011/images.txt', data=b'1 a.jpg\n'), info('attributes.txt', data=b'1 x')]
    with tarfile.open(tmp_path/'good.tgz', 'w:gz') as t:
        for i, f in ms: t.addfile(i, f)
    out = safe_extract(tmp_path/'good.tgz', tmp_path/'out')
    assert (out/'CUB_200_2011'/'images.txt').read_text() == '1 a.jpg\n' and (out/'attributes.txt').exists()
    (tmp_path/'real').mkdir(); (tmp_path/'alias').symlink_to(tmp_path/'real')    # the target itself may be a link
    assert safe_extract(tmp_path/'good.tgz', tmp_path/'alias') == tmp_path/'real'
    assert (tmp_path/'real'/'attributes.txt').exists()
    z = make_zip(tmp_path/'ok.zip', [('flowers-102/', stat.S_IFDIR | 0o755, ''), ('flowers-102/jpg/image_00001.jpg', 0o100644, 'x'),
                                     ('plain.txt', 0, 'y')])                                 # no mode bits: a plain file
    out = safe_extract(z, tmp_path/'zout')
    assert (out/'flowers-102'/'jpg'/'image_00001.jpg').read_text() == 'x' and (out/'plain.txt').read_text() == 'y'


def test_not_an_archive(tmp_path):
    (tmp_path/'x.tgz').write_bytes(b'not an archive')
    with pytest.raises(DataError, match='not a tar or zip archive'): safe_extract(tmp_path/'x.tgz', tmp_path/'o')
    assert not (tmp_path/'o').exists()


# --- checksums ---------------------------------------------------------------------------------------------------

def test_every_archive_is_https_and_pinned():
    for name, archives in ARCHIVES.items():
        for a in archives:
            assert a.url.startswith('https://'), a.url
            assert a.sha256 and re.fullmatch('[0-9a-f]{64}', a.sha256), (name, a.url)
            assert a.size and a.size > 0


@pytest.mark.parametrize('algo', ['sha256', 'md5'])
def test_a_wrong_sum_is_refused_and_the_download_removed(tmp_path, algo):
    src = tmp_path/'images.tar'; src.write_bytes(b'dog' * 1000)
    good = hashlib.new(algo, src.read_bytes()).hexdigest(); wrong = ('0' * len(good))
    out = download_file(src.as_uri(), tmp_path/'dl', **{algo: good})
    assert out.read_bytes() == src.read_bytes()
    with pytest.raises(DataError) as e: download_file(src.as_uri(), tmp_path/'bad', **{algo: wrong})
    msg = str(e.value)
    assert 'images.tar' in msg and good in msg and wrong in msg and ('SHA-256' if algo == 'sha256' else 'MD5') in msg
    assert list((tmp_path/'bad').iterdir()) == []                     # neither the final name nor a .part is left
    with pytest.raises(DataError, match=good): check_archive(out, **{algo: wrong})   # a stale copy is refused too


def test_a_short_download_is_refused_and_removed(tmp_path):
    src = tmp_path/'lists.tar'; src.write_bytes(b'x' * 100)
    with pytest.raises(DataError, match='size 100 bytes, expected 101'):
        download_file(src.as_uri(), tmp_path/'bad', sha256=hashlib.sha256(b'x' * 100).hexdigest(), size=101)
    assert list((tmp_path/'bad').iterdir()) == []


def test_a_failed_transfer_leaves_nothing(tmp_path):
    with pytest.raises(OSError): download_file((tmp_path/'missing.tar').as_uri(), tmp_path/'bad', sha256='0' * 64)
    assert list((tmp_path/'bad').iterdir()) == []


def test_an_unpinned_download_warns_with_its_sha256(tmp_path):
    src = tmp_path/'x.tar'; src.write_bytes(b'abc')
    with pytest.warns(UserWarning, match=f'NOT verified.*{hashlib.sha256(b"abc").hexdigest()}'):
        download_file(src.as_uri(), tmp_path/'dl')


def test_download_dataset_verifies_then_extracts(tmp_path, monkeypatch):
    good = make_tar(tmp_path/'images.tar', [info('Images/n1-A/n1_1.jpg', data=b'jpg')])
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    monkeypatch.setitem(ARCHIVES, 'dogs', [Archive(good.as_uri(), sha, size=good.stat().st_size)])
    assert (download_dataset('dogs', tmp_path/'d')/'Images'/'n1-A'/'n1_1.jpg').read_bytes() == b'jpg'
    monkeypatch.setitem(ARCHIVES, 'dogs', [Archive(good.as_uri(), '1' * 64)])
    with pytest.raises(DataError, match='SHA-256'): download_dataset('dogs', tmp_path/'e')
    assert not (tmp_path/'e'/'Images').exists() and list((tmp_path/'e'/'archives').iterdir()) == []
    evil = make_tar(tmp_path/'evil'/'images.tar', [info('Images/x', tarfile.SYMTYPE, '../..')])
    monkeypatch.setitem(ARCHIVES, 'dogs', [Archive(evil.as_uri(), hashlib.sha256(evil.read_bytes()).hexdigest())])
    with pytest.raises(DataError, match="'Images/x' is a symbolic link"): download_dataset('dogs', tmp_path/'f')
    assert not (tmp_path/'f'/'Images').exists()
