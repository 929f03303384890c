-- Kubecert in Neovim 0.7 (Debian's), headless, with nothing but the built-in LSP client.
-- 0.7 has no vim.lsp.start: vim.lsp.start_client + vim.lsp.buf_attach_client.
-- Inputs (environment): KUBECERT_ROOT (the repository), KUBECERT_NODE (node binary),
-- KUBECERT_FILE (a copy of the seed kubeconfig), KUBECERT_OUT (the JSON result to write).
-- Every wait is bounded; whatever happens, the result file is written and Neovim quits.

local root = assert(os.getenv('KUBECERT_ROOT'), 'KUBECERT_ROOT')
local node = os.getenv('KUBECERT_NODE') or 'node'
local file = assert(os.getenv('KUBECERT_FILE'), 'KUBECERT_FILE')
local out_path = assert(os.getenv('KUBECERT_OUT'), 'KUBECERT_OUT')

local out = {
  nvim = vim.version(),
  diagnostics = {},
  hover = vim.NIL,
  code_actions = {},
  executed = vim.NIL,
  shown = {},              -- window/showMessage notifications
  message_requests = {},   -- window/showMessageRequest requests
  handler_errors = {},     -- errors raised by Neovim's own handlers
  prompts = {},            -- vim.fn.inputlist prompts Neovim's handlers opened
  log = {},
  exit = vim.NIL,
  error = vim.NIL,
}

local function write_result()
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.fn.json_encode(out))
  f:close()
end

local function note(s)
  table.insert(out.log, s)
end

local default_show_request = vim.lsp.handlers['window/showMessageRequest']

local function main()
  local dir = vim.fn.fnamemodify(file, ':h')
  local client_id = vim.lsp.start_client({
    name = 'kubecert',
    cmd = { node, root .. '/dist/server.js', '--stdio' },
    root_dir = dir,
    init_options = { now = '2026-11-21T00:00:00Z' },
    handlers = {
      ['window/showMessage'] = function(_, result)
        table.insert(out.shown, result)
      end,
      ['window/logMessage'] = function(_, result)
        note('log: ' .. tostring(result and result.message))
      end,
      -- Neovim's own handler, watched: a server that asks (instead of telling) reaches it, and 0.7's
      -- handler then prompts with vim.fn.inputlist, which would block this headless Neovim for good.
      -- The prompt is recorded and answered with 0 ("no choice") instead.
      ['window/showMessageRequest'] = function(err, result, ctx, config)
        table.insert(out.message_requests, result)
        local inputlist = vim.fn.inputlist
        vim.fn.inputlist = function(items)
          table.insert(out.prompts, items)
          return 0
        end
        local ok, res = pcall(default_show_request, err, result, ctx, config)
        vim.fn.inputlist = inputlist
        if not ok then
          table.insert(out.handler_errors, tostring(res))
          return vim.NIL
        end
        return res
      end,
    },
    on_exit = function(code, signal)
      out.exit = { code = code, signal = signal }
    end,
  })
  assert(client_id, 'vim.lsp.start_client returned nil')

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_option(bufnr, 'filetype', 'yaml')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')

  local got = vim.wait(15000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  note('diagnostics arrived: ' .. tostring(got))

  local uri = vim.uri_from_bufnr(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out.diagnostics, {
      code = d.code or lsp.code or vim.NIL,
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      source = d.source or vim.NIL,
      message = d.message,
    })
  end

  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = 18, character = 40 },
  }, 10000)
  local hr = hover and hover[client_id]
  if hr and hr.result and hr.result.contents then
    local c = hr.result.contents
    out.hover = type(c) == 'table' and (c.value or vim.fn.json_encode(c)) or tostring(c)
  elseif hr and hr.err then
    note('hover error: ' .. vim.inspect(hr.err))
  end

  -- The quick fix of cert-expired, then its command, as a user would pick it.
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'cert-expired' then
      local lsp = (d.user_data and d.user_data.lsp) or {}
      local diagnostic = {
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
        severity = d.severity,
        message = d.message,
        source = d.source,
        code = d.code,
        data = lsp.data,
      }
      local actions = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
        textDocument = { uri = uri },
        range = diagnostic.range,
        context = { diagnostics = { diagnostic } },
      }, 10000)
      local list = (actions and actions[client_id] and actions[client_id].result) or {}
      for _, a in ipairs(list) do
        table.insert(out.code_actions, { title = a.title, kind = a.kind or vim.NIL, command = a.command and a.command.command or vim.NIL })
        if a.command and a.command.command == 'kubecert.showRenewalSteps' and out.executed == vim.NIL then
          local r = vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand', {
            command = a.command.command,
            arguments = a.command.arguments,
          }, 10000)
          local er = r and r[client_id]
          out.executed = (er and er.result) or vim.NIL
          if er and er.err then note('executeCommand error: ' .. vim.inspect(er.err)) end
        end
      end
      break
    end
  end

  -- Stop the server the way Neovim does on exit, and see how it ends.
  vim.lsp.stop_client(client_id)
  local stopped = vim.wait(5000, function()
    return out.exit ~= vim.NIL
  end, 50)
  note('server stopped: ' .. tostring(stopped))
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  out.error = tostring(err)
end
pcall(write_result)
vim.cmd('qa!')
