package api

import (
	"compress/gzip"
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
	"github.com/allmende/allmende/internal/web/request"
	"github.com/allmende/allmende/internal/web/response"
	"github.com/allmende/allmende/internal/web/route"
	"github.com/allmende/allmende/internal/web/upload"
)

func (a *API) datanets(mux route.Mux) {
	mux.Handle("GET /api/v1/datanets", a.anyone(a.datanetList))
	mux.Handle("POST /api/v1/datanets", a.member(a.datanetCreate))
	mux.Handle("GET /api/v1/datanets/{slug}", a.anyone(a.datanetShow))
	mux.Handle("PATCH /api/v1/datanets/{slug}", a.member(a.datanetUpdate))
	mux.Handle("POST /api/v1/datanets/{slug}/consent", a.member(a.datanetConsent))
	mux.Handle("POST /api/v1/datanets/{slug}/contributions", a.member(a.datanetContribute))
	mux.Handle("GET /api/v1/datanets/{slug}/versions", a.member(a.datanetVersions))
	mux.Handle("POST /api/v1/datanets/{slug}/versions", a.member(a.datanetVersionCreate))
	mux.Handle("GET /api/v1/datanets/{slug}/versions/{number}/export", a.member(a.datanetVersionExport))
	mux.Handle("GET /api/v1/datanets/{slug}/k-anonymous", a.member(a.datanetKAnonymous))
	mux.Handle("GET /api/v1/datanets/{slug}/k-anonymous/export", a.member(a.datanetKAnonymousExport))
	mux.Handle("GET /api/v1/datanets/{slug}/queue", a.member(a.datanetQueue))
	mux.Handle("GET /api/v1/datanets/{slug}/versions/{number}/diff", a.member(a.datanetVersionDiff))
}

// viewer is the member a session belongs to, or nil.
func viewer(sess *member.Session) *member.Member {
	if sess == nil {
		return nil
	}
	return &sess.Member
}

func (a *API) datanetList(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	page, err := request.Page(r, request.APILimit)
	if err != nil {
		return err
	}
	list, next, err := a.Datanets.Overviews(r.Context(), datanet.Filter{}, page)
	if err != nil {
		return err
	}
	out := make([]datanetJSON, len(list))
	for i, o := range list {
		out[i] = a.datanetOut(o)
	}
	response.JSON(w, http.StatusOK, response.List{"datanets": out}.Next(next))
	return nil
}

// datanetJSON is a datanet with its reward per record written as money
// too.
type datanetJSON struct {
	datanet.Overview
	RewardPerRecordText string `json:"reward_per_record_text"`
}

func (a *API) datanetOut(o datanet.Overview) datanetJSON {
	return datanetJSON{Overview: o, RewardPerRecordText: a.money(o.RewardPerRecord)}
}

func (a *API) datanetShow(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	d, err := a.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return a.writeDatanet(w, r, http.StatusOK, d, sess)
}

// writeDatanet answers with d as its caller sees it.
func (a *API) writeDatanet(w http.ResponseWriter, r *http.Request, status int, d datanet.Datanet, sess *member.Session) error {
	o, err := a.Datanets.Overview(r.Context(), d, viewer(sess))
	if err != nil {
		return err
	}
	response.JSON(w, status, a.datanetOut(o))
	return nil
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
	// Curated makes contributions wait for a curator; each accepted one
	// pays reward_per_record points (or reward_per_record_text in money).
	Curated             bool    `json:"curated"`
	RewardPerRecord     *int64  `json:"reward_per_record"`
	RewardPerRecordText *string `json:"reward_per_record_text"`
}

func (a *API) datanetOf(req datanetRequest) (datanet.Datanet, error) {
	reward, err := a.amountIn("reward_per_record", req.RewardPerRecord, req.RewardPerRecordText, 0, datanet.MaxRewardPerRecord)
	if err != nil {
		return datanet.Datanet{}, err
	}
	return datanet.Datanet{Slug: req.Slug, Name: req.Name, Domain: req.Domain, Client: req.Client, Purpose: req.Purpose,
		Licence: req.Licence, RewardRules: req.RewardRules, RecordKind: req.RecordKind, Fields: req.Fields, Labels: req.Labels, NearDuplicate: req.NearDuplicate,
		Curated: req.Curated, RewardPerRecord: orZero(reward)}, nil
}

func (a *API) datanetCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	// Asked before the body is read; Create decides again.
	if !datanet.MayCreate(sess.Member) {
		return problem.New(problem.Forbidden, "only stewards and requesters create datanets")
	}
	var req datanetRequest
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	nd, err := a.datanetOf(req)
	if err != nil {
		return err
	}
	d, err := a.Datanets.Create(r.Context(), sess.Member, nd)
	if err != nil {
		return err
	}
	return a.writeDatanet(w, r, http.StatusCreated, d, sess)
}

// datanetUpdate opens or closes a datanet, and sets its curation: whether
// contributions wait for a curator, what an accepted one pays, and the
// members who curate besides its creator and the stewards (pseudonyms; a
// list replaces the one before). What is left out stays as it was.
func (a *API) datanetUpdate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Open                *bool     `json:"open"`
		Curated             *bool     `json:"curated"`
		RewardPerRecord     *int64    `json:"reward_per_record"`
		RewardPerRecordText *string   `json:"reward_per_record_text"`
		Curators            *[]string `json:"curators"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	reward, err := a.amountIn("reward_per_record", req.RewardPerRecord, req.RewardPerRecordText, 0, datanet.MaxRewardPerRecord)
	if err != nil {
		return err
	}
	if req.Open == nil && req.Curated == nil && reward == nil && req.Curators == nil {
		return &problem.Error{Kind: problem.Invalid, Message: "nothing to change", Fields: map[string]string{"open": "true or false"}}
	}
	slug := r.PathValue("slug")
	d, err := a.Datanets.BySlug(r.Context(), slug)
	if err != nil {
		return err
	}
	if req.Curated != nil || reward != nil || req.Curators != nil {
		c := datanet.CurationSettings{Curated: d.Curated, RewardPerRecord: d.RewardPerRecord}
		if req.Curated != nil {
			c.Curated = *req.Curated
		}
		if reward != nil {
			c.RewardPerRecord = *reward
		}
		if req.Curators != nil {
			c.Curators = append([]string{}, *req.Curators...)
		}
		if d, err = a.Datanets.SetCuration(r.Context(), sess.Member, slug, c); err != nil {
			return err
		}
	}
	if req.Open != nil {
		if d, err = a.Datanets.SetOpen(r.Context(), sess.Member, slug, *req.Open); err != nil {
			return err
		}
	}
	return a.writeDatanet(w, r, http.StatusOK, d, sess)
}

func (a *API) datanetConsent(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	var req struct {
		Action string `json:"action"`
	}
	if err := request.JSON(w, r, &req); err != nil {
		return err
	}
	st, err := a.Datanets.ConsentAction(r.Context(), sess.Member.ID, r.PathValue("slug"), req.Action)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, st)
	return nil
}

// datanetContribute takes records (JSON, JSONL, optionally
// gzip-compressed) or an image (multipart/form-data with an "image" file
// and an optional "meta" JSON field). ?dry_run=true previews,
// ?partial=true stores the good records of a batch with problems,
// ?checked=true says the texts were redacted on the member's machine:
// they are checked, not redacted (records may list the findings the
// member confirmed keeping as "kept").
func (a *API) datanetContribute(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	opt, err := intakeOptions(r)
	if err != nil {
		return err
	}
	sub, err := a.readSubmission(w, r)
	if err != nil {
		return err
	}
	res, err := a.Datanets.Contribute(r.Context(), sess.Member.ID, r.PathValue("slug"), sub, opt)
	if errors.Is(err, datanet.ErrBatchRejected) {
		return res.Problem()
	}
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if opt.DryRun {
		status = http.StatusOK
	}
	response.JSON(w, status, res)
	return nil
}

func intakeOptions(r *http.Request) (datanet.IntakeOptions, error) {
	var opt datanet.IntakeOptions
	for name, dst := range map[string]*bool{"dry_run": &opt.DryRun, "partial": &opt.Partial, "checked": &opt.Checked} {
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

// readSubmission reads the records or image of a contribution request,
// bounding what a compressed body may expand to.
func (a *API) readSubmission(w http.ResponseWriter, r *http.Request) (datanet.Submission, error) {
	d, err := a.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return datanet.Submission{}, err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return datanet.Submission{}, problem.New(problem.Unsupported, "send records as application/json or application/x-ndjson, or an image as multipart/form-data")
	}
	if mt == "multipart/form-data" {
		return upload.Image(w, r, d)
	}
	body := io.Reader(http.MaxBytesReader(w, r.Body, upload.MaxBatch))
	switch strings.ToLower(r.Header.Get("Content-Encoding")) {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return datanet.Submission{}, problem.New(problem.BadRequest, "the body is not gzip: %v", err)
		}
		// Bound the expanded size too: a small gzip bomb must not fill
		// the memory.
		body = &limitedReader{r: zr, n: upload.MaxBatch}
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
		return datanet.Submission{}, problem.New(problem.TooLarge, "the records are larger than %d MB; send fewer at a time", upload.MaxBatch>>20)
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

// datanetVersions lists a datanet's latest versions and their
// commitments, which are public: they name data, they do not show it.
func (a *API) datanetVersions(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	if _, err := a.Datanets.BySlug(r.Context(), r.PathValue("slug")); err != nil {
		return err
	}
	list, err := a.Datanets.Versions(r.Context(), r.PathValue("slug"), 50)
	if err != nil {
		return err
	}
	if list == nil {
		list = []datanet.Version{}
	}
	response.JSON(w, http.StatusOK, response.List{"versions": list})
	return nil
}

func (a *API) datanetVersionCreate(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	v, err := a.Datanets.CreateVersion(r.Context(), sess.Member, r.PathValue("slug"))
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusCreated, v)
	return nil
}

// datanetVersionExport answers with a zip of the version in a trainer's
// layout (?format=chat|alpaca|sharegpt|completion): the JSON Lines file,
// manifest.json with the commitment, LLaMA-Factory's dataset_info.json
// and an Axolotl datasets entry.
func (a *API) datanetVersionExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such version")
	}
	slug, format := r.PathValue("slug"), r.URL.Query().Get("format")
	return response.Zip(w, fmt.Sprintf("%s-v%d-%s.zip", slug, n, format), func(create func(string) (io.Writer, error)) error {
		_, err := a.Datanets.FineTune(r.Context(), sess.Member, slug, n, format, create)
		return err
	})
}

// kAnonymous makes the k-anonymous table a request's ?k= and ?quasi= (one
// list, or the parameter repeated) ask for; the domain decides who may.
func (a *API) kAnonymous(r *http.Request, sess *member.Session) (datanet.KAnonymous, error) {
	d, err := a.Datanets.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return datanet.KAnonymous{}, err
	}
	q := r.URL.Query()
	req, err := datanet.ParseKAnon(d, q.Get("k"), q["quasi"])
	if err != nil {
		return datanet.KAnonymous{}, err
	}
	return a.Datanets.KAnonymous(r.Context(), sess.Member, d.Slug, req)
}

// datanetKAnonymous previews a k-anonymous export: what was generalised
// per quasi-identifier, how many records were suppressed, and a few rows,
// those with generalised values first.
func (a *API) datanetKAnonymous(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	an, err := a.kAnonymous(r, sess)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, struct {
		datanet.KAnonymous
		Sample []datanet.KAnonRow `json:"sample"`
	}{an, an.Sample(10)})
	return nil
}

// datanetKAnonymousExport downloads the k-anonymous table
// (?format=csv|jsonl).
func (a *API) datanetKAnonymousExport(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	an, err := a.kAnonymous(r, sess)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	mediaType, name, err := an.File(format)
	if err != nil {
		return err
	}
	return response.Stream(w, mediaType, name, func(out io.Writer) error { return an.Write(out, format) })
}

// datanetQueue lists, to the datanet's curators, the oldest records
// waiting for a decision (?limit=, at most 50), opened, and how many wait.
func (a *API) datanetQueue(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	limit := datanet.MaxQueue
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > datanet.MaxQueue {
			return &problem.Error{Kind: problem.Invalid, Message: "bad limit", Fields: map[string]string{"limit": fmt.Sprintf("a number from 1 to %d", datanet.MaxQueue)}}
		}
		limit = n
	}
	list, total, err := a.Datanets.Queue(r.Context(), sess.Member, r.PathValue("slug"), limit)
	if err != nil {
		return err
	}
	out := make([]curationJSON, len(list))
	for i, c := range list {
		out[i] = a.curationOut(c)
	}
	response.JSON(w, http.StatusOK, map[string]any{"waiting": out, "total": total})
	return nil
}

// datanetVersionDiff is what a version added, changed and erased since
// the one before it.
func (a *API) datanetVersionDiff(w http.ResponseWriter, r *http.Request, sess *member.Session) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return problem.New(problem.NotFound, "no such version")
	}
	diff, err := a.Datanets.Diff(r.Context(), sess.Member, r.PathValue("slug"), n)
	if err != nil {
		return err
	}
	response.JSON(w, http.StatusOK, diff)
	return nil
}
