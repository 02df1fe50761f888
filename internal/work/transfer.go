package work

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/allmende/allmende/internal/annotation"
	"github.com/allmende/allmende/internal/picture"
	"github.com/allmende/allmende/internal/problem"
)

// ImportCOCO adds a COCO file's images to an image project, with its
// annotations as pre-annotations the workers correct. images holds the
// uploaded image files by base name; every image the file names must be
// among them and have the size the file says.
func (s *Service) ImportCOCO(ctx context.Context, p Project, coco io.Reader, images map[string][]byte) (int, []string, error) {
	if err := imageProject(p); err != nil {
		return 0, nil, err
	}
	imp, err := annotation.ImportCOCO(coco)
	if err != nil {
		return 0, nil, importProblem("COCO", err)
	}
	fs := uploadProblems{}
	return s.importDataset(ctx, p, imp.Dataset, imp.Warnings, uploadedFiles(images, "image", fs), fs)
}

// ImportLabelStudio does the same for a Label Studio JSON export: its tasks
// become items, its results pre-annotations.
func (s *Service) ImportLabelStudio(ctx context.Context, p Project, r io.Reader, images map[string][]byte) (int, []string, error) {
	if err := imageProject(p); err != nil {
		return 0, nil, err
	}
	imp, err := annotation.ImportLabelStudio(r)
	if err != nil {
		return 0, nil, importProblem("Label Studio", err)
	}
	fs := uploadProblems{}
	return s.importDataset(ctx, p, imp.Dataset, imp.Warnings, uploadedFiles(images, "image", fs), fs)
}

// ImportYOLO adds uploaded images to an image project with Ultralytics YOLO
// label files as pre-annotations. labels holds the other uploaded files by
// base name: one label file per image, named like it with .txt (img1.jpg,
// img1.txt), and optionally the class names as classes.txt (one a line) or
// data.yaml (its names: list). Without them class i is the project's i-th
// label. An image without a label file comes without pre-annotations; a
// label file without an image is an error. Every problem is listed, naming
// the file and line, and nothing is added unless all files are sound.
func (s *Service) ImportYOLO(ctx context.Context, p Project, labels, images map[string][]byte) (int, []string, error) {
	if err := imageProject(p); err != nil {
		return 0, nil, err
	}
	if len(images) == 0 {
		return 0, nil, &problem.Error{Kind: problem.Invalid, Message: "YOLO labels need their images; nothing was added",
			Fields: map[string]string{"images": "upload the images the label files belong to"}}
	}
	fs := uploadProblems{}
	labels, images = uploadedFiles(labels, "labels", fs), uploadedFiles(images, "image", fs)
	names, namesFile := p.Labels, ""
	files := map[string]string{} // label file names by stem
	for _, name := range slices.Sorted(maps.Keys(labels)) {
		data := labels[name]
		ext := strings.ToLower(path.Ext(name))
		switch {
		case strings.EqualFold(name, "classes.txt") || ext == ".yaml" || ext == ".yml":
			if namesFile != "" {
				fs.add(name, "a second class list besides %s; upload one", namesFile)
				continue
			}
			list, err := yoloNames(name, data)
			if err != nil {
				fs.add(name, "%v", err)
				continue
			}
			names, namesFile = list, name
		case ext == ".txt":
			files[strings.TrimSuffix(name, path.Ext(name))] = name
		default:
			fs.add("labels "+name, "not a label file (.txt), classes.txt or data.yaml")
		}
	}
	// Checks the class names once, on an empty file, so that a bad list is
	// reported against its file rather than against every label file.
	if _, err := annotation.ImportYOLO(strings.NewReader(""), 1, 1, names); err != nil {
		at := namesFile
		if at == "" {
			at = "labels"
		}
		fs.add(at, "%s", strings.TrimPrefix(err.Error(), annotation.ErrSpec.Error()+": "))
	}
	if len(fs) > 0 {
		return 0, nil, fs.err(yoloInvalid)
	}

	ds := annotation.Dataset{Categories: annotation.CategoriesOf(names)}
	stems := map[string]string{} // stem → image, to catch img1.jpg beside img1.png
	for i, name := range slices.Sorted(maps.Keys(images)) {
		stem := strings.TrimSuffix(name, path.Ext(name))
		file, labelled := files[stem]
		if other, dup := stems[stem]; dup && labelled {
			fs.add("image "+name, "%s could be the labels of %s or of %s; rename one", file, other, name)
			continue
		}
		stems[stem] = name
		cfg, _, err := picture.Check(images[name])
		if err != nil {
			fs.add("image "+name, "%s", imageProblem(err))
			continue
		}
		img := annotation.Image{ID: int64(i + 1), FileName: name, Width: cfg.Width, Height: cfg.Height}
		ds.Images = append(ds.Images, img)
		if !labelled {
			continue
		}
		anns, err := annotation.ImportYOLO(bytes.NewReader(labels[file]), cfg.Width, cfg.Height, names)
		var ve *annotation.ValidationError
		switch {
		case errors.As(err, &ve):
			for _, pr := range ve.Problems {
				fs.add(strings.TrimSpace("labels "+file+" "+pr.Path), "%s", pr.Message)
			}
			if ve.Omitted > 0 {
				fs.add("labels "+file, "%d more problems", ve.Omitted)
			}
		case err != nil:
			fs.add("labels "+file, "%v", err)
		}
		for _, an := range anns {
			an.ImageID = img.ID
			ds.Annotations = append(ds.Annotations, an)
		}
	}
	for _, stem := range slices.Sorted(maps.Keys(files)) {
		if _, ok := stems[stem]; !ok {
			fs.add("labels "+files[stem], "no image %s.* was uploaded", stem)
		}
	}
	// A class list that does not match the project would otherwise surface
	// as unknown categories; name the list, which is what to fix.
	if namesFile != "" {
		used := map[string]bool{}
		for _, an := range ds.Annotations {
			used[an.Label] = true
		}
		for i, n := range names {
			if used[n] && !slices.Contains(p.Labels, n) {
				fs.add(fmt.Sprintf("%s class %d", namesFile, i), "%q is not one of the project's labels (%s)", n, strings.Join(p.Labels, ", "))
			}
		}
	}
	if len(fs) > 0 {
		return 0, nil, fs.err(yoloInvalid)
	}
	return s.importDataset(ctx, p, ds, nil, images, fs)
}

// uploadedFiles keys uploaded files by the base name that stays in its
// folder under either separator (a browser may send "C:\photos\a.jpg",
// an attacker "..\..\a.jpg"), which is the name an item keeps and the
// name it is exported under. A name that is no file name, or two files
// that come to the same name, are problems of the upload.
func uploadedFiles(files map[string][]byte, kind string, problems uploadProblems) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for _, name := range slices.Sorted(maps.Keys(files)) {
		base := annotation.BaseName(name)
		switch {
		case annotation.FileNameProblem(base) != "":
			problems.add(kind+" "+strconv.Quote(name), "the file name %s", annotation.FileNameProblem(base))
		case hasKey(out, base):
			problems.add(kind+" "+base, "two uploaded files are named %s", base)
		default:
			out[base] = files[name]
		}
	}
	return out
}

func hasKey(m map[string][]byte, k string) bool { _, ok := m[k]; return ok }

// uploadProblems collects the problems of an upload (a YOLO folder, the
// images beside a COCO or Label Studio file), at most
// annotation.MaxProblems of them, so that a folder of broken files does
// not become a page of errors.
type uploadProblems map[string]string

func (f uploadProblems) add(at, format string, args ...any) {
	switch _, dup := f[at]; {
	case dup:
	case len(f) >= annotation.MaxProblems:
		f["more"] = "and more problems"
	default:
		f[at] = fmt.Sprintf(format, args...)
	}
}

// The messages of the two kinds of import.
const (
	yoloInvalid    = "the YOLO labels are not valid; nothing was added"
	datasetInvalid = "the import does not fit the project; nothing was added"
)

func (f uploadProblems) err(message string) error {
	return &problem.Error{Kind: problem.Invalid, Message: message, Fields: f}
}

// yoloNames reads the class names of a YOLO dataset: classes.txt holds one
// a line; data.yaml a names: key, as a flow list ([a, b]), a block list
// ("- a") or a map of indexes ("0: a"), which are the forms Ultralytics
// writes and reads. The rest of data.yaml (paths, nc) is not needed here.
func yoloNames(file string, data []byte) ([]string, error) {
	if len(data) > annotation.MaxYOLOBytes {
		return nil, fmt.Errorf("more than %d bytes", annotation.MaxYOLOBytes)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasSuffix(strings.ToLower(file), ".yaml") && !strings.HasSuffix(strings.ToLower(file), ".yml") {
		var names []string
		for l := range strings.Lines(text) {
			if n := strings.TrimSpace(l); n != "" {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return nil, errors.New("no class names")
		}
		return names, nil
	}
	// data.yaml is parsed by a YAML library: Ultralytics' files are written
	// by hand as often as by tools, in every form YAML allows.
	var doc struct {
		Names yaml.Node `yaml:"names"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	var names []string
	switch doc.Names.Kind {
	case 0:
		return nil, errors.New("no names: list")
	case yaml.SequenceNode:
		if err := doc.Names.Decode(&names); err != nil {
			return nil, fmt.Errorf("line %d: names must be a list of names: %w", doc.Names.Line, err)
		}
	case yaml.MappingNode:
		var byIndex map[int]string
		if err := doc.Names.Decode(&byIndex); err != nil {
			return nil, fmt.Errorf("line %d: names must map class indexes to names: %w", doc.Names.Line, err)
		}
		for k := range len(byIndex) {
			n, ok := byIndex[k]
			if !ok {
				return nil, fmt.Errorf("line %d: names has no class %d", doc.Names.Line, k)
			}
			names = append(names, n)
		}
	default:
		return nil, fmt.Errorf("line %d: names must be a list, [a, b] or one \"- name\" a line", doc.Names.Line)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("line %d: no class names", doc.Names.Line)
	}
	return names, nil
}

// imageProblem says why an uploaded image is refused: items are shown to
// workers and exported, so they are held to the same bounds as every
// image the server decodes.
func imageProblem(err error) string {
	if errors.Is(err, picture.ErrTooLarge) {
		return err.Error()
	}
	return "not a JPEG, PNG or GIF image"
}

func imageProject(p Project) error {
	if p.TaskType != BoundingBox && p.TaskType != Polygon && p.TaskType != ImageClassification {
		return problem.New(problem.Invalid, "an annotation file feeds image projects, not %s", p.TaskType)
	}
	return nil
}

// importDataset adds a dataset's images as items. images are keyed by
// base name (uploadedFiles), and fields holds the upload's problems so far.
func (s *Service) importDataset(ctx context.Context, p Project, ds annotation.Dataset, warns []annotation.Problem, images map[string][]byte, fields uploadProblems) (int, []string, error) {
	known := map[string]bool{}
	for _, l := range p.Labels {
		known[l] = true
	}
	for _, a := range ds.Annotations {
		if !known[a.Label] {
			fields.add("category "+a.Label, "not in the project's labels (%s)", fmt.Sprint(p.Labels))
		}
	}
	pre := ds.PreAnnotations(annotation.TaskType(p.TaskType))
	var items []NewItem
	for _, img := range ds.Images {
		name := path.Base(img.FileName)
		data, ok := images[name]
		if !ok {
			fields.add("image "+name, "named in the file but not uploaded")
			continue
		}
		cfg, format, err := picture.Check(data)
		if err != nil {
			fields.add("image "+name, "%s", imageProblem(err))
			continue
		}
		if img.Width > 0 && (cfg.Width != img.Width || cfg.Height != img.Height) {
			fields.add("image "+name, "is %d×%d pixels, the file says %d×%d", cfg.Width, cfg.Height, img.Width, img.Height)
			continue
		}
		it := NewItem{Item: Item{Name: name, Width: cfg.Width, Height: cfg.Height, SourceID: strconv.FormatInt(img.ID, 10)},
			Image: bytes.NewReader(data), MediaType: "image/" + format}
		if a, ok := pre[img.ID]; ok && (len(a.Boxes) > 0 || len(a.Polygons) > 0) {
			it.Pre, _ = json.Marshal(a)
		}
		items = append(items, it)
	}
	if len(fields) > 0 {
		return 0, nil, fields.err(datasetInvalid)
	}
	if len(items) == 0 {
		return 0, nil, problem.New(problem.BadRequest, "the file names no image")
	}
	var warnings []string
	for _, w := range warns {
		warnings = append(warnings, w.String())
	}
	if err := s.AddItems(ctx, p.ID, items); err != nil {
		return 0, nil, err
	}
	return len(items), warnings, nil
}

func importProblem(format string, err error) error {
	var ve *annotation.ValidationError
	if errors.As(err, &ve) {
		fields := map[string]string{}
		for _, p := range ve.Problems {
			path := p.Path
			if path == "" {
				path = "file"
			}
			fields[path] = p.Message
		}
		if ve.Omitted > 0 {
			fields["more"] = fmt.Sprintf("%d more problems", ve.Omitted)
		}
		return &problem.Error{Kind: problem.Invalid, Message: "the " + format + " file is not valid; nothing was added", Fields: fields}
	}
	return &problem.Error{Kind: problem.Invalid, Message: "the " + format + " file cannot be read: " + err.Error()}
}
