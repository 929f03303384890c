-- The README's Neovim snippet, run as written: KUBECERT_SNIPPET is the file the test extracted it to, and
-- `kubecert-language-server` is on PATH as npm installs it. Then two YAML buffers are opened, as a user would.
-- Inputs (environment): KUBECERT_SNIPPET, KUBECERT_FILE, KUBECERT_FILE2, KUBECERT_OUT.
-- Every wait is bounded; whatever happens, the result file is written and Neovim quits.

local snippet = assert(os.getenv('KUBECERT_SNIPPET'), 'KUBECERT_SNIPPET')
local file = assert(os.getenv('KUBECERT_FILE'), 'KUBECERT_FILE')
local file2 = assert(os.getenv('KUBECERT_FILE2'), 'KUBECERT_FILE2')
local out_path = assert(os.getenv('KUBECERT_OUT'), 'KUBECERT_OUT')

local out = {
  diagnostics = {},
  clients = vim.NIL,
  attached = {},
  hover = vim.NIL,
  lenses = {},
  shown = {},
  log = {},
  error = vim.NIL,
}

local function note(s)
  table.insert(out.log, s)
end

-- Watched globally (not in the snippet): what the server shows through window/showMessage.
vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(out.shown, result)
end

local function kubecert_clients()
  local found = {}
  for _, c in pairs(vim.lsp.get_active_clients()) do
    if c.name == 'kubecert' then table.insert(found, c) end
  end
  return found
end

local function main()
  vim.cmd('filetype on')
  vim.cmd('luafile ' .. vim.fn.fnameescape(snippet))

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  note('filetype: ' .. vim.bo[bufnr].filetype)
  local got = vim.wait(20000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  note('diagnostics arrived: ' .. tostring(got))
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out.diagnostics, { code = d.code or lsp.code or vim.NIL, lnum = d.lnum, source = d.source or vim.NIL })
  end

  -- A second YAML buffer: the same server, attached to both.
  vim.cmd('edit ' .. vim.fn.fnameescape(file2))
  local bufnr2 = vim.api.nvim_get_current_buf()
  vim.wait(2000, function()
    return #vim.lsp.buf_get_clients(bufnr2) > 0
  end, 50)
  out.clients = #kubecert_clients()
  for _, b in ipairs({ bufnr, bufnr2 }) do
    table.insert(out.attached, #vim.lsp.buf_get_clients(b))
  end

  vim.cmd('buffer ' .. bufnr)
  local client = kubecert_clients()[1]
  assert(client, 'no kubecert client')
  local uri = vim.uri_from_bufnr(bufnr)
  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = 18, character = 40 },
  }, 10000)
  local hr = hover and hover[client.id]
  if hr and hr.result and hr.result.contents then
    local c = hr.result.contents
    out.hover = type(c) == 'table' and (c.value or vim.fn.json_encode(c)) or tostring(c)
  end

  -- The lenses as Neovim shows them, and one run as a user runs it (:lua vim.lsp.codelens.run()).
  vim.lsp.codelens.refresh()
  vim.wait(10000, function()
    return #vim.lsp.codelens.get(bufnr) > 0
  end, 50)
  local lenses = vim.lsp.codelens.get(bufnr)
  for _, l in ipairs(lenses) do
    table.insert(out.lenses, { line = l.range.start.line, title = l.command and l.command.title or vim.NIL })
  end
  if #lenses > 0 then
    vim.api.nvim_win_set_cursor(0, { lenses[1].range.start.line + 1, 0 })
    vim.lsp.codelens.run()
    vim.wait(10000, function()
      return #out.shown > 0
    end, 50)
  end

  for _, c in ipairs(kubecert_clients()) do
    c.stop()
  end
  vim.wait(5000, function()
    return #kubecert_clients() == 0
  end, 50)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  out.error = tostring(err)
end
local f = assert(io.open(out_path, 'w'))
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qa!')
