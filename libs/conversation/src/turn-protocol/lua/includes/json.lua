--[[
  JSON written from parts that are JSON already (messages, a transcript entry made by the
  adapter). The parts are joined as text, not decoded and encoded with cjson: cjson turns an
  empty array into an object ({}), and a message would not come back out byte for byte.
]]

-- '[a,b,...]' from a table of JSON values.
local function json_array(values)
  return '[' .. table.concat(values, ',') .. ']'
end

-- A JSON object's text with one more field: `object` is a non-empty object as JSON.stringify
-- writes it (it ends with '}'), `value` is JSON.
local function json_with_field(object, name, value)
  return string.sub(object, 1, -2) .. ',"' .. name .. '":' .. value .. '}'
end
