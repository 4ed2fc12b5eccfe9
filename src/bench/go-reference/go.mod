module s3jars.io/bench/reference

go 1.19
