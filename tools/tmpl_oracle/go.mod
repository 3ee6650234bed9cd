module vaquero/tmpl_oracle

go 1.19
