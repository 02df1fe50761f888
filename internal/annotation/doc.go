// Package annotation holds what annotation work produces: the answer a
// worker sends from the browser and its validation, agreement measures
// between workers, and the file formats of the field that projects are
// created from and results are delivered in. It knows nothing of the
// database or HTTP: plain values in, plain values out.
//
// # Answers
//
// [Parse] reads a worker's answer (boxes, polygons, a label, or a pairwise
// choice with a reason) for one [TaskType] and checks it against the
// project's [Spec]: labels from the label set, coordinates in natural image
// pixels and inside the image, shapes of non-zero size. Every problem is
// reported at once, each with its path, in a [*ValidationError].
//
// # Agreement
//
// [IoU] and [PolygonIoU] compare two workers' shapes; [BoxConsensus] and
// [PolygonConsensus] merge several workers' boxes or polygons for one item
// into consensus shapes and score how much of each worker's work the
// consensus confirms.
//
// # Formats
//
//   - COCO object detection JSON ([ImportCOCO], [ExportCOCO]), as specified
//     at https://cocodataset.org/#format-data: images, categories, and
//     annotations with bbox [x,y,width,height] in pixels and polygon
//     segmentations as flat [x1,y1,x2,y2,...] lists. Crowd (RLE) masks are
//     counted and skipped: the cooperative does not edit masks.
//   - Ultralytics YOLO label files ([ExportYOLO], [ImportYOLO]), as specified
//     at https://docs.ultralytics.com/datasets/detect/ ("class x_center
//     y_center width height", normalised to [0,1]) and
//     https://docs.ultralytics.com/datasets/segment/ ("class x1 y1 x2 y2 ...")
//     with a data.yaml that names the classes.
//   - Label Studio JSON tasks ([ExportLabelStudio], [ImportLabelStudio]), as
//     specified at https://labelstud.io/guide/task_format and
//     https://labelstud.io/guide/predictions, with the result values of the
//     RectangleLabels, PolygonLabels and Choices tags
//     (https://labelstud.io/tags/rectanglelabels,
//     https://labelstud.io/tags/polygonlabels, https://labelstud.io/tags/choices):
//     coordinates in percent of original_width and original_height.
//   - The question,worker,answer CSV of the truth-inference benchmarks
//     ([ExportCSV], [ImportCSV]), read by package truth's reader so that
//     both packages accept exactly the same files.
//   - For tasks without shapes — classifying an image or a text, picking
//     the better of two texts — an answer table, the same three columns
//     followed by the item itself (image name; name and text; name, both
//     texts and the worker's reason) ([ExportAnswerTable],
//     [ImportAnswerTable]), and Label Studio tasks of texts with the
//     Choices, Pairwise and TextArea tags
//     ([ExportLabelStudioTexts], [ImportLabelStudioTexts]).
//
// Imports are all-or-nothing: a file with any structural or geometric
// problem is refused with every problem listed (up to [MaxProblems]), so
// that nothing half-imported is ever stored. What the cooperative
// deliberately does not import (masks, keypoints, unsupported Label Studio
// tools) is skipped and counted in the result instead. Every importer's
// output passes [Dataset.Validate], and every importer reads back what the
// matching exporter writes: exactly for COCO and CSV, to floating-point
// noise for Label Studio's percentages, and to YOLO's six decimals, which
// can take the size from a shape within millionths of the image of having
// none.
package annotation
