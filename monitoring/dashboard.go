package monitoring

import (
	"encoding/json"
	"fmt"
)

// This file holds the dashboard's body.

// dashboard is a CloudWatch dashboard body.
type dashboard struct {
	Widgets []widget `json:"widgets"`
}

type widget struct {
	Type       string     `json:"type"`
	X          int        `json:"x"`
	Y          int        `json:"y"`
	Width      int        `json:"width"`
	Height     int        `json:"height"`
	Properties properties `json:"properties"`
}

type properties struct {
	Title       string         `json:"title"`
	Region      string         `json:"region"`
	View        string         `json:"view"`
	Stacked     bool           `json:"stacked"`
	Stat        string         `json:"stat"`
	Period      int            `json:"period"`
	Metrics     []widgetMetric `json:"metrics"`
	Annotations *annotations   `json:"annotations,omitempty"`
}

type annotations struct {
	Horizontal []annotation `json:"horizontal"`
}

type annotation struct {
	Label string `json:"label"`
	Value int    `json:"value"`
}

// widgetMetric is one line of a widget: CloudWatch writes it as an array,
// [namespace, name, dimension name, dimension value, ..., {options}].
type widgetMetric struct {
	name       string
	dimensions []Dimension
	label      string
}

type metricOptions struct {
	Label string `json:"label"`
}

// MarshalJSON writes the metric as CloudWatch's array form.
func (m widgetMetric) MarshalJSON() ([]byte, error) {
	row := []any{Namespace, m.name}
	for _, d := range m.dimensions {
		row = append(row, d.Name, d.Value)
	}
	row = append(row, metricOptions{Label: m.label})
	b, err := json.Marshal(row)
	if err != nil {
		return nil, fmt.Errorf("encode dashboard metric %s: %w", m.name, err)
	}
	return b, nil
}

// Widget geometry: three widgets a row on CloudWatch's 24-column grid.
const (
	widgetWidth  = 8
	widgetHeight = 6
	perRow       = 24 / widgetWidth
)

// DashboardBody is the dashboard's JSON: client connections, backend
// connections against the cap, borrow latency, pinned sessions and Aurora's
// freeable memory, side by side.
func DashboardBody(args *Args) (string, error) {
	b := args.Budget
	panels := []properties{
		{
			Title: "Client connections", Stat: "Sum",
			Metrics: []widgetMetric{{metricClientConnections, proxyDims(args), "client connections"}},
		},
		{
			Title: "Backend connections against the cap", Stat: "Sum",
			Metrics: []widgetMetric{
				{metricDBConnections, writerDims(args), "backend connections to the writer"},
				{metricMaxAllowed, writerDims(args), "cap the proxy reports (MaxDatabaseConnectionsAllowed)"},
			},
			Annotations: &annotations{Horizontal: []annotation{{
				Label: fmt.Sprintf("budget: %d%% of max_connections %d", b.MaxConnectionsPercent, b.MaxConnections),
				Value: b.ProxyCap,
			}}},
		},
		{
			Title: "Borrow latency (microseconds)", Stat: "Average",
			Metrics: []widgetMetric{{metricBorrowLatency, proxyDims(args), "borrow latency"}},
		},
		{
			Title: "Pinned sessions", Stat: "Sum",
			Metrics: []widgetMetric{{metricPinned, proxyDims(args), "sessions pinned to a backend connection"}},
		},
		{
			Title: "Aurora freeable memory (writer)", Stat: "Minimum",
			Metrics: []widgetMetric{{metricFreeableMemory, auroraWriterDims(args), "FreeableMemory, bytes"}},
		},
	}
	d := dashboard{Widgets: make([]widget, len(panels))}
	for i, p := range panels {
		p.Region, p.View, p.Period = args.Region, "timeSeries", Period
		d.Widgets[i] = widget{
			Type: "metric",
			X:    i % perRow * widgetWidth, Y: i / perRow * widgetHeight,
			Width: widgetWidth, Height: widgetHeight,
			Properties: p,
		}
	}
	out, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode dashboard %s: %w", args.DashboardName, err)
	}
	return string(out), nil
}
