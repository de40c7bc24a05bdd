"""Every reader on a fixture written in the dataset's real format."""
import numpy as np
import pytest
from fixtures import make_cub, make_nabirds, make_cars, make_aircraft, make_flowers, make_dogs, make_image_folder
from fgvc_tutorial.data import (read_cub, read_nabirds, read_cars, read_aircraft, read_flowers, read_dogs, read_image_folder,
                                read_dataset, detect_format, open_image, AIRCRAFT_BANNER)


@pytest.mark.parametrize('crlf', [False, True])
def test_cub_everything(tmp_path, crlf):
    d = read_cub(make_cub(tmp_path, crlf=crlf))
    assert len(d) == 9 and d.c == 3 and d.class_ids == [1, 4, 200]
    assert list(d.labels) == [0, 0, 0, 1, 1, 1, 2, 2, 2] and d.classes[2] == '200.Common_Yellowthroat'
    assert list(d.is_train) == [False, True, True] * 3
    assert d.image_ids[0] == '1' and d.paths[0].endswith('Black_footed_Albatross_0000_101.jpg')
    np.testing.assert_array_equal(d.bboxes[1], [2, 4, 30, 20])
    assert d.parts.shape == (9, 15, 3) and d.part_names[6] == 'left eye'
    np.testing.assert_array_equal(d.parts[0, 0], [2, 1, 1]); np.testing.assert_array_equal(d.parts[0, 2], [0, 0, 0])  # part 3 invisible
    assert d.attributes.shape == (9, 6) and d.attribute_names[0] == 'has_bill_shape::shape_1'
    assert d.attributes[0, 0] == 0 and d.attributes[0, 1] == 1 and d.certainties[0, 0] == 2
    assert d.class_attributes.shape == (3, 6) and d.class_attributes[2, 0] == pytest.approx(0.0)   # 200*1 % 100
    assert d.class_attributes[1, 1] == pytest.approx(8.0)
    assert read_cub(tmp_path/'CUB_200_2011').c == 3            # the inner folder works too
    assert detect_format(tmp_path) == 'cub' and len(read_dataset(tmp_path)) == 9


def test_cub_attribute_names_inside_and_extra_tokens(tmp_path):
    root = make_cub(tmp_path, attributes_inside=True)
    f = root/'CUB_200_2011'/'attributes'/'image_attribute_labels.txt'
    lines = f.read_text().splitlines(); lines[3] += ' 0 junk'; f.write_text('\n'.join(lines) + '\n')
    with pytest.warns(UserWarning, match='1 lines carry extra fields'):
        d = read_cub(root)
    assert d.attributes.shape == (9, 6)


def test_cub_subset_and_summary(tmp_path):
    d = read_cub(make_cub(tmp_path))
    t = d.train
    assert len(t) == 6 and t.parts.shape == (6, 15, 3) and t.attributes.shape[0] == 6 and t.c == 3
    s = d.summary()
    assert s['train'] == 6 and s['test'] == 3 and s['parts'] == 15 and s['attributes'] == 6 and s['boxes']


def test_nabirds(tmp_path):
    d = read_nabirds(make_nabirds(tmp_path))
    assert d.c == 2 and d.classes == ['Barn Owl', 'Great Horned Owl'] and d.class_ids == [817, 818]
    assert d.image_ids[0] == '00000000-21dc-4d0c-bfe1-4cae3c85c800'
    assert list(d.is_train) == [True, True, False, False]
    assert d.parts.shape == (4, 11, 3) and d.part_names[0] == 'bill' and d.parts[1, 3, 2] == 0
    np.testing.assert_array_equal(d.bboxes[1], [1, 2, 20, 10])
    assert set(d.levels) == {'level_1', 'level_2'} and d.levels['level_2'][1] == ['Typical Owls']
    assert detect_format(tmp_path) == 'nabirds' and read_dataset(tmp_path).c == 2


def test_cars(tmp_path):
    d = read_cars(make_cars(tmp_path))
    assert len(d) == 5 and d.c == 3 and d.classes[1] == 'Ram C/V Cargo Van Minivan 2012'
    assert list(d.labels) == [0, 1, 2, 0, 1] and list(d.is_train) == [True]*3 + [False]*2
    np.testing.assert_array_equal(d.bboxes[0], [4, 2, 36, 28])        # 1-based corners (5,3)-(40,30) -> x y w h
    assert read_cars(tmp_path/'stanford_cars').c == 3 and detect_format(tmp_path) == 'cars'


def test_aircraft_levels_boxes_banner(tmp_path):
    d = read_aircraft(make_aircraft(tmp_path))
    assert len(d) == 9 and d.c == 3 and d.classes == ['707-320', 'F-16A/B', 'Cessna 172']
    assert int(d.is_train.sum()) == 6 and list(d.splits[:6]) == ['train']*3 + ['val']*3
    fam, fam_names = d.levels['family']; man, man_names = d.levels['manufacturer']
    assert fam_names[fam[1]] == 'F-16' and man_names[man[1]] == 'Lockheed Martin'
    np.testing.assert_array_equal(d.bboxes[0], [0, 1, 40, 29])
    im = open_image(d.paths[0], d.crop_bottom)
    assert d.crop_bottom == AIRCRAFT_BANNER and im.size == (80, 40)
    assert np.asarray(im)[-1].mean() < 200                                # the white banner is gone
    assert read_aircraft(tmp_path, crop_banner=False).crop_bottom == 0
    assert detect_format(tmp_path) == 'aircraft'


def test_flowers(tmp_path):
    d = read_flowers(make_flowers(tmp_path))
    assert d.c == 102 and d.classes[0] == 'pink primrose' and len(d) == 8
    assert list(d.splits) == ['train']*2 + ['val']*3 + ['test']*3 and int(d.is_train.sum()) == 5
    assert list(d.labels[:5]) == [0, 1, 0, 1, 101] and d.paths[0].endswith('image_00001.jpg')


def test_dogs(tmp_path):
    d = read_dogs(make_dogs(tmp_path))
    assert d.c == 2 and d.classes == ['Chihuahua', 'African_hunting_dog'] and len(d) == 6
    assert list(d.is_train) == [True, True, True, True, False, False]
    np.testing.assert_array_equal(d.bboxes[0], [2, 3, 18, 27])
    np.testing.assert_array_equal(d.bboxes[1], [10, 5, 50, 40])          # the larger of two dogs
    assert detect_format(tmp_path) == 'dogs'


def test_image_folder(tmp_path):
    d = read_image_folder(make_image_folder(tmp_path/'split'))
    assert d.classes == ['cats', 'dogs'] and len(d) == 8 and int(d.is_train.sum()) == 4
    flat = read_image_folder(make_image_folder(tmp_path/'flat', split=False))
    assert len(flat) == 4 and flat.is_train.all()
    assert detect_format(tmp_path/'flat') == 'folder'
