"""Tiny datasets written in exactly the real on-disk formats (../shared/DATASETS.md), generated at test time.
Each writer returns the folder a user would pass to the reader, and draws small solid-colour JPEGs."""
from pathlib import Path
import numpy as np
from PIL import Image

CUB_PART_NAMES = ['back', 'beak', 'belly', 'breast', 'crown', 'forehead', 'left eye', 'left leg', 'left wing',
                  'nape', 'right eye', 'right leg', 'right wing', 'tail', 'throat']


def jpeg(path, size=(64, 48), colour=(120, 80, 40), banner=0):
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new('RGB', size, colour)
    if banner: im.paste((255, 255, 255), (0, size[1] - banner, size[0], size[1]))
    im.save(path, quality=95)
    return path


def write(path, lines, crlf=False):
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(''.join(l + ('\r\n' if crlf else '\n') for l in lines).encode())


def make_cub(root, classes=((1, '001.Black_footed_Albatross'), (4, '004.Groove_billed_Ani'), (200, '200.Common_Yellowthroat')),
             per_class=3, crlf=False, n_attributes=6, attributes_inside=False):
    """CUB-200-2011 with every file of DATASETS.md §1.2 (original, non-contiguous class ids; one test image per class)"""
    root = Path(root); cub = root/'CUB_200_2011'
    images, labels, split, boxes, locs, clicks, att = [], [], [], [], [], [], []
    i = 0
    for cid, name in classes:
        for k in range(per_class):
            i += 1
            rel = f'{name}/{name.split(".", 1)[1]}_{k:04d}_{100 + i}.jpg'
            jpeg(cub/'images'/rel, colour=(10*cid % 255, 50, 90))
            images.append(f'{i} {rel}'); labels.append(f'{i} {cid}'); split.append(f'{i} {int(k > 0)}')
            boxes.append(f'{i} {float(i)} {float(2*i)} 30.0 20.0')
            for p in range(1, 16):
                vis = int(p % 3 != 0)
                locs.append(f'{i} {p} {float(p + i) if vis else 0.0} {float(p) if vis else 0.0} {vis}')
                clicks += [f'{i} {p} {float(p)} {float(p)} {vis} 1.5'] * 2
            att += [f'{i} {a} {int((a + i) % 2)} {1 + (a % 4)} 2.{a}' for a in range(1, n_attributes + 1)]
    write(cub/'images.txt', images, crlf); write(cub/'image_class_labels.txt', labels, crlf)
    write(cub/'train_test_split.txt', split, crlf); write(cub/'classes.txt', [f'{c} {n}' for c, n in classes], crlf)
    write(cub/'bounding_boxes.txt', boxes, crlf)
    write(cub/'parts'/'parts.txt', [f'{p} {n}' for p, n in enumerate(CUB_PART_NAMES, 1)], crlf)
    write(cub/'parts'/'part_locs.txt', locs, crlf); write(cub/'parts'/'part_click_locs.txt', clicks, crlf)
    names = [f'{a} has_bill_shape::shape_{a}' for a in range(1, n_attributes + 1)]
    write((cub/'attributes'/'attributes.txt') if attributes_inside else (root/'attributes.txt'), names, crlf)
    write(cub/'attributes'/'certainties.txt', ['1 not visible', '2 guessing', '3 probably', '4 definitely'], crlf)
    write(cub/'attributes'/'image_attribute_labels.txt', att, crlf)
    write(cub/'attributes'/'class_attribute_labels_continuous.txt',
          [' '.join(f'{(c * a) % 100:.10f}' for a in range(1, n_attributes + 1)) for c, _ in classes], crlf)
    return root


def make_nabirds(root):
    """NABirds: UUID image ids, a 5-node taxonomy (root -> order -> family -> 2 leaves), 0-based part ids"""
    base = Path(root)/'nabirds'
    leaves = {817: 'Barn Owl', 818: 'Great Horned Owl'}
    uuids = [f'{k:08x}-21dc-4d0c-bfe1-4cae3c85c8{k:02d}' for k in range(4)]
    images, labels, split, boxes, locs = [], [], [], [], []
    for k, u in enumerate(uuids):
        cid = 817 + k % 2
        rel = f'{cid:04d}/{u.replace("-", "")}.jpg'
        jpeg(base/'images'/rel); images.append(f'{u} {rel}'); labels.append(f'{u} {cid}'); split.append(f'{u} {int(k < 2)}')
        boxes.append(f'{u} {k} {k + 1} 20 10')
        locs += [f'{u} {p} {p + k} {p} {int(p != 3)}' for p in range(11)]
    write(base/'images.txt', images); write(base/'image_class_labels.txt', labels); write(base/'train_test_split.txt', split)
    write(base/'classes.txt', ['0 Birds', '1 Owls', '2 Typical Owls', '817 Barn Owl', '818 Great Horned Owl', '900 Unused Leaf'])
    write(base/'hierarchy.txt', ['1 0', '2 1', '817 2', '818 2', '900 2'])
    write(base/'bounding_boxes.txt', boxes); write(base/'sizes.txt', [f'{u} 64 48' for u in uuids])
    write(base/'photographers.txt', [f'{u} Jane van Doe' for u in uuids])
    write(base/'parts'/'parts.txt', [f'{p} {n}' for p, n in enumerate(
        ['bill', 'crown', 'nape', 'left eye', 'right eye', 'belly', 'breast', 'back', 'tail', 'left wing', 'right wing'])])
    write(base/'parts'/'part_locs.txt', locs)
    return base


def make_cars(root):
    """Stanford Cars, classic devkit release: struct-array .mat annotations with uint8/uint16 fields"""
    import scipy.io
    base = Path(root)/'stanford_cars'
    names = np.array(['AM General Hummer SUV 2000', 'Ram C/V Cargo Van Minivan 2012', 'Acura RL Sedan 2012'], dtype=object)
    (base/'devkit').mkdir(parents=True)
    scipy.io.savemat(base/'devkit'/'cars_meta.mat', {'class_names': names.reshape(1, -1)})
    dt = [('bbox_x1', 'O'), ('bbox_y1', 'O'), ('bbox_x2', 'O'), ('bbox_y2', 'O'), ('class', 'O'), ('fname', 'O')]
    for split, mat, n in (('train', base/'devkit'/'cars_train_annos.mat', 3), ('test', base/'cars_test_annos_withlabels.mat', 2)):
        ann = np.zeros((1, n), dtype=dt)
        for k in range(n):
            fname = f'{k + 1:05d}.jpg'; jpeg(base/f'cars_{split}'/fname)
            ann[0, k] = (np.uint16(5 + k), np.uint16(3), np.uint16(40), np.uint16(30 + k), np.uint8(1 + k % 3), fname)
        scipy.io.savemat(mat, {'annotations': ann})
    return Path(root)


def make_aircraft(root):
    """FGVC-Aircraft 2013b: labels with spaces and '/', 3 levels x 4 splits, 1-based boxes, a 20-px white banner"""
    d = Path(root)/'fgvc-aircraft-2013b'/'data'
    variants, families, makers = ['707-320', 'F-16A/B', 'Cessna 172'], ['Boeing 707', 'F-16', 'Cessna 172'], ['Boeing', 'Lockheed Martin', 'Cessna']
    splits = {'train': ['1025794', '1340192', '0056978'], 'val': ['1187707', '2223010', '0843402'], 'test': ['1514522', '0911114', '1104022']}
    for lst, f in ((variants, 'variants.txt'), (families, 'families.txt'), (makers, 'manufacturers.txt')): write(d/f, lst)
    boxes = []
    for s, ids in splits.items():
        write(d/f'images_{s}.txt', ids)
        for k, i in enumerate(ids):
            jpeg(d/'images'/f'{i}.jpg', size=(80, 60), banner=20); boxes.append(f'{i} 1 2 40 30')
    for lvl, names in (('variant', variants), ('family', families), ('manufacturer', makers)):
        for s in ('train', 'val', 'test'): write(d/f'images_{lvl}_{s}.txt', [f'{i} {names[k]}' for k, i in enumerate(splits[s])])
        write(d/f'images_{lvl}_trainval.txt', [f'{i} {names[k]}' for s in ('train', 'val') for k, i in enumerate(splits[s])])
    write(d/'images_box.txt', boxes)
    return Path(root)


def make_flowers(root):
    """Flowers-102: jpg/image_NNNNN.jpg, imagelabels.mat (uint8 1..102), setid.mat (uint16 ids)"""
    import scipy.io
    base = Path(root)/'flowers-102'
    n = 8
    for k in range(1, n + 1): jpeg(base/'jpg'/f'image_{k:05d}.jpg')
    scipy.io.savemat(base/'imagelabels.mat', {'labels': np.array([[1, 2, 1, 2, 102, 102, 1, 2]], np.uint8)})
    scipy.io.savemat(base/'setid.mat', {'trnid': np.array([[1, 2]], np.uint16), 'valid': np.array([[3, 4, 5]], np.uint16),
                                        'tstid': np.array([[6, 7, 8]], np.uint16)})
    return Path(root)


VOC = """<annotation>
\t<folder>{wnid}</folder>
\t<filename>{stem}</filename>
\t<source>
\t\t<database>ImageNet database</database>
\t</source>
\t<size>
\t\t<width>64</width>
\t\t<height>48</height>
\t\t<depth>3</depth>
\t</size>
\t<segment>0</segment>
{objects}</annotation>
"""
OBJ = """\t<object>
\t\t<name>{breed}</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>{x0}</xmin>
\t\t\t<ymin>{y0}</ymin>
\t\t\t<xmax>{x1}</xmax>
\t\t\t<ymax>{y1}</ymax>
\t\t</bndbox>
\t</object>
"""


def make_dogs(root):
    """Stanford Dogs: Images/, extension-less VOC XML in Annotation/ (one image with two dogs), N x 1 .mat lists"""
    import scipy.io
    root = Path(root)
    breeds = [('n02085620', 'Chihuahua'), ('n02116738', 'African_hunting_dog')]
    lists = {'train': [], 'test': []}
    for b, (wnid, breed) in enumerate(breeds):
        for k in range(3):
            stem = f'{wnid}_{100 + k}'; rel = f'{wnid}-{breed}/{stem}.jpg'
            jpeg(root/'Images'/rel)
            objs = OBJ.format(breed=breed, x0=2, y0=3, x1=20, y1=30)
            if k == 1: objs += OBJ.format(breed=breed, x0=10, y0=5, x1=60, y1=45)   # a second, larger dog
            ann = root/'Annotation'/f'{wnid}-{breed}'/stem; ann.parent.mkdir(parents=True, exist_ok=True)
            ann.write_text(VOC.format(wnid=wnid[1:], stem=stem, objects=objs))
            lists['train' if k < 2 else 'test'].append((rel, b + 1))
    for s, items in lists.items():
        cell = lambda xs: np.array([[np.array([x])] for x in xs], dtype=object)
        scipy.io.savemat(root/f'{s}_list.mat', {'file_list': cell([r for r, _ in items]), 'annotation_list': cell([r[:-4] for r, _ in items]),
                                               'labels': np.array([[y] for _, y in items], np.uint8)})
    return root


def make_image_folder(root, split=True):
    root = Path(root)
    for s in (('train', 'test') if split else ('',)):
        for c in ('cats', 'dogs'):
            for k in range(2): jpeg(root/s/c/f'{k}.jpg')
    return root
