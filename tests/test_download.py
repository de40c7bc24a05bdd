"""The download helper on local files: file:// URLs stand in for the dataset servers (no network here)."""
import hashlib, tarfile, zipfile
import pytest
from fgvc_tutorial.core import DataError
from fgvc_tutorial.data import download_file, safe_extract, check_archive, file_digest, download_dataset


def test_download_verifies_and_never_leaves_a_partial_file(tmp_path):
    src = tmp_path/'CUB_200_2011.tgz'; src.write_bytes(b'x' * 5000)
    md5 = hashlib.md5(src.read_bytes()).hexdigest()
    out = download_file(src.as_uri(), tmp_path/'dl', md5=md5, size=5000)
    assert out.read_bytes() == src.read_bytes() and not list((tmp_path/'dl').glob('*.part'))
    assert download_file(src.as_uri(), tmp_path/'dl', md5=md5) == out          # a verified copy is reused
    with pytest.raises(DataError, match='MD5'): download_file(src.as_uri(), tmp_path/'bad', md5='0' * 32)
    assert not (tmp_path/'bad'/'CUB_200_2011.tgz').exists()                     # a corrupt download never gets the final name
    with pytest.raises(DataError, match='size 5,000 bytes, expected 4,999'): check_archive(out, size=4999)


def test_safe_extract_refuses_escapes(tmp_path):
    f = tmp_path/'a.txt'; f.write_text('a')
    with tarfile.open(tmp_path/'abs.tar', 'w') as t:     # TarInfo keeps the leading '/' that add() would strip
        info = tarfile.TarInfo('/tmp/evil'); info.size = 1; t.addfile(info, open(f, 'rb'))
    with pytest.raises(DataError, match='outside'): safe_extract(tmp_path/'abs.tar', tmp_path/'o1')
    with tarfile.open(tmp_path/'link.tar', 'w') as t:
        info = tarfile.TarInfo('data/link'); info.type = tarfile.SYMTYPE; info.linkname = '../../outside'; t.addfile(info)
    with pytest.raises(DataError, match='points outside'): safe_extract(tmp_path/'link.tar', tmp_path/'o2')
    with zipfile.ZipFile(tmp_path/'z.zip', 'w') as z: z.writestr('../zip_escape.txt', 'x')
    with pytest.raises(DataError, match='outside'): safe_extract(tmp_path/'z.zip', tmp_path/'o3')
    assert not (tmp_path/'zip_escape.txt').exists()
    with zipfile.ZipFile(tmp_path/'ok.zip', 'w') as z: z.writestr('flowers-102/jpg/image_00001.jpg', 'x')
    assert (safe_extract(tmp_path/'ok.zip', tmp_path/'o4')/'flowers-102'/'jpg'/'image_00001.jpg').read_text() == 'x'


def test_datasets_that_cannot_be_downloaded_say_where_to_get_them(tmp_path):
    with pytest.raises(DataError, match='no longer served'): download_dataset('cars', tmp_path)
    with pytest.raises(DataError, match='Cornell Lab'): download_dataset('nabirds', tmp_path)
    with pytest.raises(ValueError, match='unknown dataset'): download_dataset('imagenet', tmp_path)
