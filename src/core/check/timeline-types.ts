// A service's write outcomes over time, bucketed by invoke time per client
// IDC: the shape the HTML report charts.

export interface ServiceTimeline {
  /** Bucket width: 1 s, or wider so that a long history has at most 600 buckets. */
  bucketMs: number;
  /** Epoch ms where bucket 0 starts: the earliest invoke of any service, rounded down to a whole ms; 0 when nothing was invoked. */
  startMs: number;
  /** One per client IDC that wrote to the service, by IDC name; every array has one entry per bucket. */
  series: TimelineSeries[];
}

export interface TimelineSeries {
  idc: string;
  /** Writes invoked in the bucket, by outcome. */
  ok: number[];
  failed: number[];
  unknown: number[];
  /** Nearest-rank p99 latency of the bucket's ok writes; null when there were none. */
  p99Ms: (number | null)[];
}
