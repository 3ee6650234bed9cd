-- wrk script: every request asks /ipxe for a random host of the generated SoT.
local macs = {}
local path = os.getenv("VQ_MACS")

function init(args)
    for line in io.lines(path) do macs[#macs + 1] = line end
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
    return wrk.format("GET", "/ipxe?mac=" .. macs[math.random(#macs)] .. "&platform=pcbios")
end
