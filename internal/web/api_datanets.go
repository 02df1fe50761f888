package web

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/allmende/allmende/internal/datanet"
	"github.com/allmende/allmende/internal/member"
	"github.com/allmende/allmende/internal/problem"
)

// maxBatchBody bounds a batch of records, after decompression: 10,000
// records of a few kilobytes.
const maxBatchBody = 64 << 20

type datanetJSON struct {
	datanet.Datanet
	Stats   datanet.Stats         `json:"stats"`
	Consent *datanet.ConsentState `json:"consent,omitempty"`
}

func (s *Server) datanetJSON(r *http.Request, d datanet.Datanet, sess *member.Session) (datanetJSON, error) {
	st, err := s.Datanets.Stats(r.Context(), d.ID)
	if err != nil {
		return datanetJSON{}, err
	}
	out := datanetJSON{Datanet: d, Stats: st}
	if sess != nil {
		c, err := s.Datanets.Consent(r.Context(), sess.Member.ID, d)
		if err != nil {
			return datanetJSON{}, err
		}
		out.Consent = &c
	}
	return out, nil
}

func (s *Server) apiDatanets(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Datanets.List(r.Context(), datanet.Filter{}, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]datanetJSON, 0, len(list))
	for _, d := range list {
		j, err := s.datanetJSON(r, d, nil)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, listJSON{"datanets": out}.next(next))
}

func (s *Server) apiDatanet(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	d, err := s.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	j, err := s.datanetJSON(r, d, sess)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

// datanetRequest is what a creator sends; Open and the like are not
// settable at creation.
type datanetRequest struct {
	Slug          string             `json:"slug"`
	Name          string             `json:"name"`
	Domain        string             `json:"domain"`
	Client        string             `json:"client"`
	Purpose       string             `json:"purpose"`
	Licence       string             `json:"licence"`
	RewardRules   string             `json:"reward_rules"`
	RecordKind    datanet.RecordKind `json:"record_kind"`
	Fields        []string           `json:"fields"`
	Labels        []string           `json:"labels"`
	NearDuplicate float64            `json:"near_duplicate"`
}

func (req datanetRequest) datanet() datanet.Datanet {
	return datanet.Datanet{Slug: req.Slug, Name: req.Name, Domain: req.Domain, Client: req.Client, Purpose: req.Purpose,
		Licence: req.Licence, RewardRules: req.RewardRules, RecordKind: req.RecordKind, Fields: req.Fields, Labels: req.Labels, NearDuplicate: req.NearDuplicate}
}

func (s *Server) apiDatanetCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if !datanet.MayCreate(sess.Member) {
		s.apiError(w, r, problem.New(problem.Forbidden, "only stewards and requesters create datanets"))
		return
	}
	var req datanetRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	d, err := s.Datanets.Create(r.Context(), sess.Member, req.datanet())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	j, err := s.datanetJSON(r, d, sess)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, j)
}

func (s *Server) apiDatanetUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req struct {
		Open *bool `json:"open"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	if req.Open == nil {
		s.apiError(w, r, &problem.Error{Kind: problem.Invalid, Message: "nothing to change", Fields: map[string]string{"open": "true or false"}})
		return
	}
	d, err := s.Datanets.SetOpen(r.Context(), sess.Member, r.PathValue("slug"), *req.Open)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	j, err := s.datanetJSON(r, d, sess)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

func (s *Server) apiConsent(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	var req struct {
		Action string `json:"action"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	st, err := s.Datanets.ConsentAction(r.Context(), sess.Member.ID, r.PathValue("slug"), req.Action)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// apiContribute takes records (JSON, JSONL, optionally gzip-compressed) or
// an image (multipart/form-data with an "image" file and an optional
// "meta" JSON field). ?dry_run=true previews, ?partial=true stores the good
// records of a batch with problems.
func (s *Server) apiContribute(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	opt, err := intakeOptions(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sub, err := s.readSubmission(w, r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	res, err := s.Datanets.Contribute(r.Context(), sess.Member.ID, r.PathValue("slug"), sub, opt)
	if errors.Is(err, datanet.ErrBatchRejected) {
		s.apiError(w, r, batchProblem(res))
		return
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	status := http.StatusCreated
	if opt.DryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
}

func intakeOptions(r *http.Request) (datanet.IntakeOptions, error) {
	var opt datanet.IntakeOptions
	for name, dst := range map[string]*bool{"dry_run": &opt.DryRun, "partial": &opt.Partial} {
		if v := r.URL.Query().Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return opt, &problem.Error{Kind: problem.Invalid, Message: "bad query parameter", Fields: map[string]string{name: "true or false"}}
			}
			*dst = b
		}
	}
	return opt, nil
}

// batchProblem turns the problems of a refused batch into the API's error
// shape, one field per record: "records[4711].text": "must be a string".
func batchProblem(res datanet.Result) error {
	fields := map[string]string{}
	for _, o := range res.Outcomes {
		key := fmt.Sprintf("records[%d]", o.Index)
		switch {
		case o.Error != nil:
			if o.Error.Field != "" {
				key += "." + o.Error.Field
			}
			msg := o.Error.Message
			if o.Line > 0 {
				msg = fmt.Sprintf("line %d: %s", o.Line, msg)
			}
			fields[key] = msg
		case o.Status == "duplicate":
			what := "near duplicate"
			if o.Duplicate.Exact {
				what = "exact duplicate"
			}
			if o.Duplicate.InBatch {
				fields[key] = what + " of another record in this submission"
			} else {
				fields[key] = fmt.Sprintf("%s (similarity %.2f) of a record already in the datanet", what, o.Duplicate.Similarity)
			}
		}
	}
	return &problem.Error{Kind: problem.Invalid, Message: datanet.ErrBatchRejected.Message, Fields: fields}
}

// readSubmission reads the records or image of a contribution request,
// bounding what a compressed body may expand to.
func (s *Server) readSubmission(w http.ResponseWriter, r *http.Request) (datanet.Submission, error) {
	d, err := s.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return datanet.Submission{}, err
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return datanet.Submission{}, problem.New(problem.Unsupported, "send records as application/json or application/x-ndjson, or an image as multipart/form-data")
	}
	if mt == "multipart/form-data" {
		return readImageSubmission(w, r, d, params)
	}
	body := io.Reader(http.MaxBytesReader(w, r.Body, maxBatchBody))
	switch strings.ToLower(r.Header.Get("Content-Encoding")) {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return datanet.Submission{}, problem.New(problem.BadRequest, "the body is not gzip: %v", err)
		}
		// Bound the expanded size too: a small gzip bomb must not fill
		// the memory.
		body = &limitedReader{r: zr, n: maxBatchBody}
	default:
		return datanet.Submission{}, problem.New(problem.Unsupported, "content encoding %q is not supported; use gzip or none", r.Header.Get("Content-Encoding"))
	}
	var format datanet.Format
	switch mt {
	case "application/json":
		format = datanet.FormatJSON
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		format = datanet.FormatJSONL
	default:
		return datanet.Submission{}, problem.New(problem.Unsupported, "send records as application/json or application/x-ndjson (JSON Lines), not %s", mt)
	}
	sub, err := d.ParseRecords(format, body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, errExpandedTooLarge) {
		return datanet.Submission{}, problem.New(problem.TooLarge, "the records are larger than %d MB; send fewer at a time", maxBatchBody>>20)
	}
	return sub, err
}

var errExpandedTooLarge = errors.New("expanded body too large")

// limitedReader fails, rather than stopping quietly, past n bytes.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errExpandedTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func readImageSubmission(w http.ResponseWriter, r *http.Request, d datanet.Datanet, params map[string]string) (datanet.Submission, error) {
	r.Body = http.MaxBytesReader(w, r.Body, datanet.MaxImageBytes+1<<20)
	if err := r.ParseMultipartForm(datanet.MaxImageBytes + 1<<20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return datanet.Submission{}, problem.New(problem.TooLarge, "the upload is larger than %d MB", datanet.MaxImageBytes>>20)
		}
		return datanet.Submission{}, problem.New(problem.BadRequest, "cannot read the upload: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("image")
	if err != nil {
		return datanet.Submission{}, &problem.Error{Kind: problem.Invalid, Message: "no image in the upload", Fields: map[string]string{"image": "attach a JPEG, PNG or GIF file as 'image'"}}
	}
	defer f.Close()
	img, err := io.ReadAll(f)
	if err != nil {
		return datanet.Submission{}, err
	}
	meta := r.FormValue("meta")
	if strings.TrimSpace(meta) == "" {
		// The plain form sends label checkboxes instead.
		meta = mustJSON(map[string]any{"labels": nonNil(r.MultipartForm.Value["labels"])})
	}
	if json.Valid([]byte(meta)) && !strings.HasPrefix(strings.TrimSpace(meta), "{") {
		return datanet.Submission{}, &problem.Error{Kind: problem.Invalid, Message: "meta must be a JSON object", Fields: map[string]string{"meta": "a JSON object with labels and boxes"}}
	}
	sub, err := d.ParseRecords(datanet.FormatJSON, strings.NewReader(meta))
	if err != nil {
		return datanet.Submission{}, err
	}
	sub.Image = img
	_ = params
	return sub, nil
}

func (s *Server) apiContributions(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "these are another member's contributions"); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := pageOf(r, apiLimit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, next, err := s.Datanets.History(r.Context(), sess.Member.ID, page)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if list == nil {
		list = []datanet.Contribution{}
	}
	writeJSON(w, http.StatusOK, listJSON{"contributions": list}.next(next))
}

func (s *Server) apiErase(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := s.Datanets.Erase(r.Context(), sess.Member.ID, r.PathValue("id")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiEraseAll(w http.ResponseWriter, r *http.Request, sess *member.Session) {
	if err := member.Own(sess.Member, memberParam(r, sess), "only the member themself can erase their data"); err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := s.eraseAll(r.Context(), sess.Member)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"erased": n})
}

// eraseAll erases all of a member's data — recordings, appeal texts, then
// contributions and last the member's key, which the recordings' keys hang
// from — and returns how many contributions went.
// An index that failed to forget (an unavailable problem) does not stop
// the rest: what went before is committed, and repeating finishes it.
func (s *Server) eraseAll(ctx context.Context, m member.Member) (int, error) {
	_, recErr := s.Actions.EraseAll(ctx, m)
	if recErr != nil && !problem.Is(recErr, problem.Unavailable) {
		return 0, recErr
	}
	if _, err := s.Work.EraseAppeals(ctx, m.ID); err != nil {
		return 0, err
	}
	n, err := s.Datanets.EraseAll(ctx, m.ID)
	if err != nil {
		return n, err
	}
	return n, recErr
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
