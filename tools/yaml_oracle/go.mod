module vaquero/yaml_oracle

go 1.19
