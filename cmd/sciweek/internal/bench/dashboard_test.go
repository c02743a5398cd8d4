package bench

import "testing"

// TestLoadStepsSayWhereTheLoadWent: the dashboard report's line for the median page load names
// each step in order, a dash for a step the page never reached (a console without the marks),
// and the API calls with their start and length.
func TestLoadStepsSayWhereTheLoadWent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		steps loadSteps
		want  string
	}{
		{"every step", loadSteps{HTML: 16.4, Scripts: 404, StreamOpen: 1181, FirstFigures: 1573, Shown: 2069,
			Requests: []pageRequest{{Path: "/api/v1/auth/me", Start: 403, Duration: 13}, {Path: "/api/v1/editions", Start: 614.2, Duration: 15.6}}},
			"index page in 16 ms · scripts run 404 ms · stream opened 1181 ms · first figures in 1573 ms · seen on the page 2069 ms; " +
				"its API calls: /api/v1/auth/me at 403 ms for 13 ms, /api/v1/editions at 614 ms for 16 ms"},
		{"a console without the marks", loadSteps{HTML: 20, Scripts: 500, StreamOpen: -1, FirstFigures: -1, Shown: 900},
			"index page in 20 ms · scripts run 500 ms · stream opened — · first figures in — · seen on the page 900 ms; its API calls: none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.steps.String(); got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
