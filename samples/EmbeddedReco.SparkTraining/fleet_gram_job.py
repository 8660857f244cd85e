"""EmbeddedReco fleet training on Apache Spark (PySpark 3.x).

NOT RUN in this repository's CI or on the development machines (Spark is not installed there). What is tested for real is the
boundary: tests/EmbeddedReco.Tests/Export/SparkInterchangeTests.cs writes files in exactly the schema this job writes
(item,neighbour,similarity and item,impressions,engagements,popularity_log2, header line, Spark part files), imports them with
the trainer (`train --neighbour-lists`), serves the model and checks its NDCG against the single-machine item-kNN.

Input: the devices' event export files (*.erevents: MessagePack batches, see docs/deployment.md), any file system Spark reads.
Output (CSV with header, one folder per table):
  <out>/neighbours/  item,neighbour,similarity          top-k cosine neighbours of each item (similarity > 0)
  <out>/popularity/  item,impressions,engagements,popularity_log2

The similarity is the engine's item-kNN (src/EmbeddedReco/Collaborative/ItemKnnTrainer.cs) on binary weights (1 per player and
item with a click, play, purchase, like or rating):  sim(a, b) = |U(a) & U(b)| / (sqrt(|U(a)|) * sqrt(|U(b)|) + shrink).
The co-occurrence counts |U(a) & U(b)| (the Gram matrix X^T X) are a distributed self-join on the player followed by a
group-by on the item pair; players with more than --max-items-per-player distinct items are sampled down to bound the quadratic
pair count.

Usage:
  spark-submit fleet_gram_job.py --events s3a://bucket/uploads/ --out s3a://bucket/train/2026-11-30/ [--k 100] [--shrink 10]
       [--min-support 3] [--max-items-per-player 500] [--popularity-half-life-days 7]
Then:
  dotnet run -c Release --project src/EmbeddedReco.Cli -- train --neighbour-lists <out>/neighbours \
       --popularity <out>/popularity --items catalog.ersnap --out model.ersnap --sign-key build.private.pem
Needs the `msgpack` Python package on the executors.
"""
import argparse
import math

import msgpack
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

# InteractionKind values (src/EmbeddedReco/Interactions/InteractionKind.cs)
IMPRESSION, CLICK, PLAY, PURCHASE, LIKE, DISLIKE, SKIP, RATING = range(8)
NEGATIVE_KINDS = (IMPRESSION, DISLIKE, SKIP)
# EngagementWeights defaults (src/EmbeddedReco/Interactions/EngagementWeights.cs), for popularity
W_IMPRESSION, W_CLICK, W_PLAY_PER_MIN, W_PLAY_CAP, W_PURCHASE, W_LIKE, W_DISLIKE, W_SKIP, RATING_NEUTRAL, W_PER_STAR = (
    -0.05, 1.0, 0.2, 2.5, 5.0, 3.0, -3.0, -1.0, 3.0, 1.0)
EPOCH_TICKS = 630822816000000000  # 2000-01-01T00:00:00Z in .NET ticks (Decay.EpochTicks)
TICKS_PER_DAY = 864000000000

ROW_SCHEMA = T.StructType([
    T.StructField("id", T.LongType()), T.StructField("player", T.StringType()), T.StructField("item", T.StringType()),
    T.StructField("kind", T.IntegerType()), T.StructField("value", T.DoubleType()), T.StructField("ticks", T.LongType())])


def parse_export_file(path_and_bytes):
    """Yields the rows of one export file: batches of {header map} followed by `count` arrays (version 1: 6 fields; version 2:
    9, the last three being variant, source and propensity, which the Gram matrix does not use)."""
    _, data = path_and_bytes
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=1 << 30)
    unpacker.feed(bytes(data))
    for header in unpacker:
        if not isinstance(header, dict) or header.get("format") != "EmbeddedReco.Events" or header.get("version") not in (1, 2):
            raise ValueError("not an EmbeddedReco event batch of version 1 or 2")
        for _ in range(header["count"]):
            rid, player, item, kind, value, ticks = next(unpacker)[:6]
            yield (int(rid), player, item, int(kind), float(value), int(ticks))


def weight_of(kind, value):
    if kind == IMPRESSION: return W_IMPRESSION
    if kind == CLICK: return W_CLICK
    if kind == PLAY: return min(W_PLAY_CAP, min(max(value, 0.0), 604800.0) / 60.0 * W_PLAY_PER_MIN)
    if kind == PURCHASE: return W_PURCHASE
    if kind == LIKE: return W_LIKE
    if kind == DISLIKE: return W_DISLIKE
    if kind == SKIP: return W_SKIP
    if kind == RATING: return (min(max(value, 0.0), 1000.0) - RATING_NEUTRAL) * W_PER_STAR
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--shrink", type=float, default=10.0)
    ap.add_argument("--min-support", type=int, default=3)
    ap.add_argument("--max-items-per-player", type=int, default=500)
    ap.add_argument("--popularity-half-life-days", type=float, default=7.0)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    spark = SparkSession.builder.appName("EmbeddedReco fleet Gram / item-kNN").getOrCreate()
    files = spark.sparkContext.binaryFiles(args.events.rstrip("/") + "/*.erevents")
    events = spark.createDataFrame(files.flatMap(parse_export_file), ROW_SCHEMA)
    # A re-uploaded batch (the host retried after a lost acknowledgement) repeats ids of the same player: drop duplicates.
    events = events.dropDuplicates(["player", "id"]).cache()

    # ---- popularity (as the engine keeps it: log2 of the decayed sum, anchored at 2000-01-01) ----
    weight_udf = F.udf(weight_of, T.DoubleType())
    half_life_ticks = args.popularity_half_life_days * TICKS_PER_DAY
    w = events.withColumn("w", weight_udf("kind", "value"))
    pos = w.where(F.col("w") > 0).withColumn("x", F.log2("w") + (F.col("ticks") - F.lit(EPOCH_TICKS)) / F.lit(half_life_ticks))
    lse = (pos.groupBy("item").agg(F.max("x").alias("m"))
           .join(pos, "item")
           .groupBy("item", "m").agg(F.sum(F.pow(F.lit(2.0), F.col("x") - F.col("m"))).alias("s"))
           .select("item", (F.col("m") + F.log2("s")).alias("popularity_log2")))
    counts = w.groupBy("item").agg(
        F.sum(F.when(F.col("kind") == IMPRESSION, 1).otherwise(0)).cast("long").alias("impressions"),
        F.sum(F.when(F.col("w") > 0, 1).otherwise(0)).cast("long").alias("engagements"))
    (counts.join(lse, "item", "left")
     .select("item", "impressions", "engagements", "popularity_log2")
     .write.mode("overwrite").option("header", True).csv(args.out.rstrip("/") + "/popularity"))

    # ---- binary pairs, support, co-occurrence (the Gram matrix), cosine, top-k ----
    pairs = events.where(~F.col("kind").isin(*NEGATIVE_KINDS)).select("player", "item").distinct()
    support = pairs.groupBy("item").agg(F.count("*").alias("n"))
    eligible = support.where(F.col("n") >= args.min_support)
    pairs = pairs.join(eligible.select("item"), "item")
    ranked = pairs.withColumn("r", F.row_number().over(Window.partitionBy("player").orderBy(F.rand(args.seed))))
    pairs = ranked.where(F.col("r") <= args.max_items_per_player).select("player", "item")
    a = pairs.withColumnRenamed("item", "a")
    b = pairs.withColumnRenamed("item", "b")
    cooc = a.join(b, "player").where(F.col("a") != F.col("b")).groupBy("a", "b").agg(F.count("*").alias("c"))
    na = eligible.select(F.col("item").alias("a"), F.col("n").alias("na"))
    nb = eligible.select(F.col("item").alias("b"), F.col("n").alias("nb"))
    sim = (cooc.join(na, "a").join(nb, "b")
           .withColumn("similarity", F.col("c") / (F.sqrt("na") * F.sqrt("nb") + F.lit(args.shrink)))
           .where(F.col("similarity") > 0))
    top = sim.withColumn("rank", F.row_number().over(
        Window.partitionBy("b").orderBy(F.col("similarity").desc(), F.col("a").asc())))
    # The row for item b lists its neighbour a: b is scored from its own top-k (the engine's kNN semantics).
    (top.where(F.col("rank") <= args.k)
     .select(F.col("b").alias("item"), F.col("a").alias("neighbour"), "similarity")
     .write.mode("overwrite").option("header", True).csv(args.out.rstrip("/") + "/neighbours"))
    spark.stop()


if __name__ == "__main__":
    main()
