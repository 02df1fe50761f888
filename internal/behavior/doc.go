// Package behavior judges recorded browser work from its timing and pointer
// paths alone: was it done by a person rather than a script, is it a replay
// or disguised copy of an earlier recording, and was it done by the same
// person as the member's earlier work. It sees no screen, no camera and no
// typed text — keys are recorded as classes (character, backspace, enter …)
// so that rhythm and corrections can be measured without knowing what was
// typed.
//
// # Human or script
//
// [Extract] measures a [Recording] ([Features]): the pauses before each step
// (their median, spread and entropy over log-binned intervals, after
// S. Gianvecchio and H. Wang, "Detecting covert timing channels: an
// entropy-based approach", ACM CCS 2007), runs of identical delays, the
// pause after a page load, keystroke dwell and flight times, corrections,
// re-clicks and scroll reversals, and for the pointer: clicks with no
// movement leading to them, clicks at the exact centre of their element,
// path straightness and bow, the velocity profile, overshoot and tremor.
// The pointer features follow the mouse-dynamics literature — A. A. E. Ahmed
// and I. Traoré, "A new biometric technology based on mouse dynamics", IEEE
// TDSC 4(3), 2007 (movement efficiency, speed and curvature); Z. Chu,
// S. Gianvecchio, A. Koehl, H. Wang and S. Jajodia, "Blog or block:
// detecting blog bots through behavioral biometrics", Computer Networks
// 57(3), 2013 (mouse and keystroke features from a passive logger, a
// server-side classifier); A. Acien, A. Morales, J. Fierrez and
// R. Vera-Rodriguez, "BeCAPTCHA-Mouse: synthetic mouse trajectories and
// improved bot detection", Pattern Recognition, 2022 (arXiv:2005.00890)
// (bots with linear, quadratic and exponential trajectories and constant,
// logarithmic or Gaussian velocity profiles) — and the motor-control models
// of aimed movement: bell-shaped speed (T. Flash and N. Hogan, "The
// coordination of arm movements", J. Neuroscience 5(7), 1985), corrective
// sub-movements (D. E. Meyer et al., "Optimality in human motor
// performance", Psychological Review 95(3), 1988) and Fitts's law in
// MacKenzie's formulation (Human-Computer Interaction 7(1), 1992).
//
// [Score] turns the features into a probability with a logistic regression
// whose weights may only count in each feature's machine-like direction, and
// into a [Verdict]: human (earns), review (a steward decides) or bot
// (rejected, with [Result.Reasons] in plain words). Nothing is rejected
// silently: malformed and too-short recordings go to review.
//
// # Copies
//
// [Similarity] and [DetectCopy] align two recordings with dynamic time
// warping over their log intervals and compare click positions and paths
// along the alignment: a replay, or a copy played faster or slower with a
// few per cent of jitter, matches its original far more closely than the
// same person doing the same task again.
//
// # Same person
//
// [SamePerson] and [ComparePerson] compare stable habits of a new recording
// with the member's history — typing rhythm, key hold, pauses before clicks,
// Fitts throughput, path bow, timing of peak speed, tremor — by a
// two-sample Wasserstein distance per trait, to flag a sold or shared
// account for review.
//
// # What the numbers mean
//
// The model's weights and thresholds were fitted, and its accuracy is
// measured, on synthetic data only (synth.go): simulated people built from
// the models above, and simulated bots built from what automation tools are
// documented to do. Both sides are generated. The evaluation tests (go test
// -run Eval -v) report how well the method separates these models; how well
// it separates real people from real bots is unknown until it is measured on
// real, consented recordings, and the weights should then be refitted on
// them.
package behavior
