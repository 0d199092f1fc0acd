export { IncMetric, StoreMetric, readGroup, type MetricGroup, type MetricValues } from './metric';
export { MetricsRegistry, incMetrics, type MetricsLine } from './registry';
