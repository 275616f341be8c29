package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openregistro/registro/examples/registrod/api"
)

// ValidateStream calls POST /v1/questionnaires/{year}/validate with docs as
// an NDJSON body (one document per line, sent as docs yields them) and
// yields the verdict on each document as the service makes it, in docs'
// order: the result for the n-th document has Line n. Memory stays flat on
// both sides whatever the number of documents; the service takes at most
// api.ValidateStreamMaxLines documents per call, each at most its body
// limit. A line break inside a document is sent as a space (in JSON it can
// only stand between tokens), so each document stays on its line; an empty
// document gets no verdict. An invalid document is a result with Valid
// false, not an error.
//
// A call the service refuses (unknown year, a first document over its
// limit) yields one *Error. When the service has to stop after some
// results (too many documents, a later document over the limit, its
// deadline), the results so far are yielded, then an *Error with the
// service's problem: the documents after the last result were not checked.
// The call writes nothing and carries no Idempotency-Key; a 429 is not
// retried (the documents are consumed as they are sent).
func (c *Client) ValidateStream(ctx context.Context, year int, docs iter.Seq[[]byte], draft bool, opts ...CallOption) iter.Seq2[api.ValidationLine, error] {
	return func(yield func(api.ValidationLine, error) bool) {
		if c.opts.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
			defer cancel()
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		q := url.Values{}
		if draft {
			q.Set("draft", "true")
		}
		cl := safeCall("/v1/questionnaires/"+strconv.Itoa(year)+"/validate", q, nil, opts)
		cl.accept = "application/x-ndjson, application/problem+json"
		cl.contentType = "application/x-ndjson"
		pr, pw := io.Pipe()
		defer pr.Close()
		go func() {
			pw.CloseWithError(writeNDJSON(ctx, pw, docs))
		}()
		req, u, err := c.newRequest(ctx, cl, pr)
		if err != nil {
			yield(api.ValidationLine{}, err)
			return
		}
		where := cl.method + " " + u.Redacted()
		res, err := c.hc.Do(req)
		if err != nil {
			yield(api.ValidationLine{}, fmt.Errorf("client: %s: %w", where, err))
			return
		}
		defer res.Body.Close()
		if cl.resp != nil {
			*cl.resp = Response{Status: res.StatusCode, Header: res.Header, ETag: res.Header.Get("ETag"),
				RequestID: res.Header.Get("X-Request-ID"), Attempts: 1}
		}
		if res.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(res.Body, c.opts.MaxResponseBytes))
			e := &Error{Method: cl.method, URL: u.Redacted(), Status: res.StatusCode, RetryAfter: retryAfter(res.Header.Get("Retry-After"))}
			var p api.Problem
			if json.Unmarshal(body, &p) == nil && p.Status != 0 {
				e.Problem = p
			}
			yield(api.ValidationLine{}, e)
			return
		}
		in := bufio.NewReaderSize(res.Body, 64<<10)
		for {
			line, err := readAnswerLine(in, c.opts.MaxResponseBytes)
			if len(bytes.TrimSpace(line)) > 0 {
				var item struct {
					api.ValidationLine
					Type   string `json:"type"`
					Status int    `json:"status"`
				}
				if jerr := json.Unmarshal(line, &item); jerr != nil {
					yield(api.ValidationLine{}, fmt.Errorf("client: %s: reading the answer: %w", where, jerr))
					return
				}
				if item.Type != "" && item.Status != 0 {
					var p api.Problem
					_ = json.Unmarshal(line, &p) // it just decoded
					yield(api.ValidationLine{}, &Error{Method: cl.method, URL: u.Redacted(), Status: p.Status, Problem: p})
					return
				}
				if !yield(item.ValidationLine, nil) {
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(api.ValidationLine{}, fmt.Errorf("client: %s: reading the answer: %w", where, err))
				return
			}
		}
	}
}

// writeNDJSON writes each of docs on its own line of w, line breaks inside
// a document turned into spaces, until docs ends or ctx does. Each line is
// one write (one chunk of the request's body), sent at once: the service
// answers each document as it reads it.
func writeNDJSON(ctx context.Context, w io.Writer, docs iter.Seq[[]byte]) error {
	var line []byte
	for doc := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		line = append(line[:0], doc...)
		for i, b := range line {
			if b == '\n' || b == '\r' {
				line[i] = ' '
			}
		}
		if _, err := w.Write(append(line, '\n')); err != nil {
			return err
		}
	}
	return nil
}

// errAnswerLine is readAnswerLine's error for a line over its limit.
var errAnswerLine = errors.New("a line of the answer is larger than the limit")

// readAnswerLine reads the next line of in, at most limit bytes.
func readAnswerLine(in *bufio.Reader, limit int64) ([]byte, error) {
	var buf []byte
	for {
		frag, err := in.ReadSlice('\n')
		if int64(len(buf)+len(frag)) > limit {
			return nil, errAnswerLine
		}
		buf = append(buf, frag...)
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}
