"""Bad input: each case raises (or reports) a clear error naming the file, the line and the fix."""
import warnings
import numpy as np
import pytest
from fixtures import make_cub, make_aircraft, make_cars
from fgvc_tutorial.core import DataError
from fgvc_tutorial.data import read_cub, read_aircraft, read_cars, check_images, open_image, read_dataset, fgvc_dls


def cub_file(root, name): return root/'CUB_200_2011'/name


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match='folder not found'): read_cub(tmp_path/'nope')
    with pytest.raises(DataError, match='not a CUB-200-2011 folder'): read_cub(tmp_path)
    with pytest.raises(DataError, match='folder not found'): read_dataset(tmp_path/'nope')


@pytest.mark.parametrize('name', ['image_class_labels.txt', 'train_test_split.txt', 'classes.txt'])
def test_missing_metadata_file(tmp_path, name):
    root = make_cub(tmp_path); cub_file(root, name).unlink()
    with pytest.raises(DataError) as e: read_cub(root)
    assert e.value.file == cub_file(root, name) and 'missing' in str(e.value) and 'fix:' in str(e.value)


def test_malformed_line(tmp_path):
    root = make_cub(tmp_path); f = cub_file(root, 'image_class_labels.txt')
    lines = f.read_text().splitlines(); lines[4] = '5'; f.write_text('\n'.join(lines) + '\n')
    with pytest.raises(DataError) as e: read_cub(root)
    assert e.value.line == 5 and e.value.file == f and '<image_id> <class_id>' in e.value.fix


def test_malformed_number(tmp_path):
    root = make_cub(tmp_path); f = cub_file(root, 'bounding_boxes.txt')
    lines = f.read_text().splitlines(); lines[2] = '3 1O.0 2.0 3.0 4.0'; f.write_text('\n'.join(lines) + '\n')
    with pytest.raises(DataError) as e: read_cub(root)
    assert e.value.line == 3 and 'not a number' in str(e.value)


def test_id_in_one_file_but_not_another(tmp_path):
    root = make_cub(tmp_path); f = cub_file(root, 'train_test_split.txt')
    f.write_text(f.read_text() + '99 1\n')
    with pytest.raises(DataError, match='image id 99 is not in images.txt') as e: read_cub(root)
    assert e.value.line == 10
    root2 = make_cub(tmp_path/'b'); f2 = cub_file(root2, 'image_class_labels.txt')
    f2.write_text(''.join(f2.read_text().splitlines(True)[:-1]))
    with pytest.raises(DataError, match='image id 9 .* has no line here'): read_cub(root2)


def test_unknown_class_and_duplicate_id(tmp_path):
    root = make_cub(tmp_path); f = cub_file(root, 'image_class_labels.txt')
    f.write_text(f.read_text().replace('9 200', '9 150'))
    with pytest.raises(DataError, match='class id 150 of image 9 is not in classes.txt'): read_cub(root)
    root2 = make_cub(tmp_path/'b'); f2 = cub_file(root2, 'images.txt')
    f2.write_text(f2.read_text() + f2.read_text().splitlines(True)[0])
    with pytest.raises(DataError, match='id 1 appears twice') as e: read_cub(root2)
    assert e.value.line == 10


def test_parts_incomplete(tmp_path):
    root = make_cub(tmp_path); f = cub_file(root, 'parts/part_locs.txt')
    f.write_text(''.join(f.read_text().splitlines(True)[:-1]))
    with pytest.raises(DataError, match='no line for image 9, part 15'): read_cub(root)


def test_listed_image_absent(tmp_path):
    root = make_cub(tmp_path)
    gone = sorted((root/'CUB_200_2011'/'images').rglob('*.jpg'))[0]; gone.unlink()
    with pytest.raises(DataError, match='1 of 9 images are missing') as e: read_cub(root)
    assert str(gone) in str(e.value) and "on_bad='skip'" in str(e.value)
    with pytest.warns(UserWarning, match='skipped 1 of 9 images'): d = read_cub(root, on_bad='skip')
    assert len(d) == 8 and str(gone) not in d.paths and d.parts.shape[0] == 8


def test_corrupt_jpeg(tmp_path):
    root = make_cub(tmp_path)
    bad = sorted((root/'CUB_200_2011'/'images').rglob('*.jpg'))[4]
    bad.write_bytes(bad.read_bytes()[:200])                          # truncated download
    d = read_cub(root)                                               # 'exists' does not open files
    with pytest.raises(DataError, match='cannot read image') as e: open_image(bad)
    assert e.value.file == bad
    with pytest.raises(DataError, match='1 of 9 images are missing or do not decode'): check_images(d, 'decode')
    with pytest.warns(UserWarning, match='skipped 1 of 9'): ok = read_cub(root, check='decode', on_bad='skip')
    assert len(ok) == 8 and str(bad) not in ok.paths


def test_corrupt_jpeg_in_loader_names_the_file(tmp_path):
    root = make_cub(tmp_path)
    bad = sorted((root/'CUB_200_2011'/'images').rglob('*.jpg'))
    for b in bad: b.write_bytes(b'not a jpeg')
    with pytest.raises(DataError, match='cannot read image'):      # at the latest when the first batch is drawn
        fgvc_dls(read_cub(root), size=32, bs=2, num_workers=0).train.one_batch()


def test_bad_arguments(tmp_path):
    d = read_cub(make_cub(tmp_path))
    with pytest.raises(ValueError, match="mode must be"): check_images(d, 'fast')
    with pytest.raises(ValueError, match="valid must be 'test' or a fraction"): fgvc_dls(d, valid='val')
    with pytest.raises(DataError, match='is a format, not a folder'): read_dataset('cub')


def test_torchvision_layouts_list_missing_files(tmp_path):
    (tmp_path/'fgvc-aircraft-2013b').mkdir()
    with pytest.raises(DataError, match='missing .*variants.txt') as e: read_aircraft(tmp_path)
    assert 'expected layout' in str(e.value)
    root = make_cars(tmp_path/'c'); (root/'stanford_cars'/'cars_test_annos_withlabels.mat').rename(root/'stanford_cars'/'devkit'/'x.mat')
    with pytest.raises(DataError, match='missing cars_test_annos_withlabels.mat'): read_cars(root)
    root = make_aircraft(tmp_path/'a'); f = root/'fgvc-aircraft-2013b'/'data'/'images_family_test.txt'
    f.write_text(f.read_text().replace('Cessna 172', 'Cessna 999'))
    with pytest.raises(DataError, match="label 'Cessna 999' is not in the class list"): read_aircraft(root)
