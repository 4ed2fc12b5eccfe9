module s3jars.io/soak/load

go 1.19
