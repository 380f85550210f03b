-- The one line bench/load.py reads from a wrk run: requests, seconds, failures and latency percentiles.
return function(summary, latency)
  io.write(string.format('RESULT {"requests":%d,"seconds":%.3f,"non2xx":%d,"errors":%d,"p50ms":%.2f,"p99ms":%.2f,"maxms":%.2f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
