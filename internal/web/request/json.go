package request

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/allmende/allmende/internal/problem"
)

// MaxJSONBody bounds API request bodies; uploads have their own limits.
const MaxJSONBody = 1 << 20

// JSON reads exactly one JSON object into dst and turns every way a
// body can be wrong into a problem that names what is wrong: the content
// type, the size, the syntax (with its byte offset), an unknown field, or a
// field of the wrong type.
func JSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return problem.New(problem.Unsupported, "send the body as JSON with Content-Type: application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return JSONProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.New(problem.BadRequest, "the body holds more than one JSON value")
	}
	return nil
}

// JSONProblem says what is wrong with a JSON body that did not decode, as
// a problem naming the byte, the field or the limit.
func JSONProblem(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return problem.New(problem.BadRequest, "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return problem.New(problem.BadRequest, "the JSON body ends too early")
	case errors.As(err, &tooBig):
		return problem.New(problem.TooLarge, "the body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &syntax):
		return problem.New(problem.BadRequest, "malformed JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return problem.New(problem.BadRequest, "the body must be a JSON object")
		}
		return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("field %s has the wrong type", field),
			Fields: map[string]string{field: "must be " + jsonKind(typ.Type.Kind().String())}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &problem.Error{Kind: problem.Invalid, Message: fmt.Sprintf("unknown field %s", name),
			Fields: map[string]string{name: "unknown field"}}
	}
	return problem.New(problem.BadRequest, "cannot read the JSON body: %v", err)
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "string":
		return "a string"
	case goKind == "bool":
		return "true or false"
	case goKind == "slice":
		return "an array"
	default:
		return "an object"
	}
}

// JSONText reads exactly one JSON object from a form field's text — a
// multipart upload's JSON part — with the checks JSON makes of a body.
func JSONText(text string, dst any) error {
	if strings.TrimSpace(text) == "" {
		return problem.New(problem.BadRequest, "the JSON part is empty; send a JSON object")
	}
	if len(text) > MaxJSONBody {
		return problem.New(problem.TooLarge, "the JSON part is larger than %d bytes", MaxJSONBody)
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return JSONProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.New(problem.BadRequest, "the JSON part holds more than one JSON value")
	}
	return nil
}
