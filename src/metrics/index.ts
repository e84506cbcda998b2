export { createPipelineMetrics, type ModelInfo, type PipelineMetrics, type PipelineMetricsOptions, type StateIoOp } from './pipeline-metrics.js';
export { BATCH_DURATION_BUCKETS, END_TO_END_LATENCY_BUCKETS, STATE_IO_BUCKETS } from './metric-buckets.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server.js';
export type { ComponentStatus, ReadinessCheck } from './readiness.js';
