module vaquero/tmplbench

go 1.19
