export { createKafka } from './create-kafka.js';
export { consumerOptions, producerOptions } from './client-options.js';
export { kafkaBatchSource, isRetriable, type KafkaBatchSourceOptions } from './kafka-batch-source.js';
export { KafkaRecordSink, type KafkaRecordSinkOptions } from './kafka-record-sink.js';
export { ensureTopics, topicPartitionCount, type TopicSpec } from './ensure-topics.js';
export { checkPartitionCount, partitionCountRef, PARTITION_COUNT_TOPIC_PREFIX } from './check-partition-count.js';
export { partitionForKey } from './partition-for-key.js';
export { startKafkaPipeline, type KafkaPipeline, type KafkaPipelineOptions } from './start-kafka-pipeline.js';
