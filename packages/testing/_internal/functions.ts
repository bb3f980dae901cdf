// Which functions a client may call, and how a deployment refuses the others: clients reach
// only public functions, each as its own kind.

/** An error a deployment reports in its own words (not as `Uncaught Error: ...`). */
export class DeploymentError extends Error {
  override name = 'DeploymentError'
}

export type FunctionKind = 'query' | 'mutation' | 'action'

const KIND_NAMES: Record<FunctionKind, string> = { query: 'Query', mutation: 'Mutation', action: 'Action' }

interface RegisteredFunction {
  isPublic?: boolean
  isQuery?: boolean
  isMutation?: boolean
  isAction?: boolean
}

function kindOf(fn: RegisteredFunction | undefined): FunctionKind | null {
  if (!fn || !fn.isPublic)
    return null
  return fn.isQuery ? 'query' : fn.isMutation ? 'mutation' : fn.isAction ? 'action' : null
}

/**
 * The app's function modules from `import.meta.glob(...)`, checked: a folder of type
 * declarations (`*.d.ts`, which `_generated/` has beside its `.js`) holds no code, so they are
 * left out wherever a glob matched them.
 */
export function functionModules(caller: string, modules: Record<string, () => Promise<any>>): Record<string, () => Promise<any>> {
  if (!modules || typeof modules !== 'object')
    throw new TypeError(`[vueuse-convex] ${caller}(): pass { modules: import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts']) } (convex/_generated included).`)
  const code = Object.fromEntries(Object.entries(modules).filter(([path]) => !/\.d\.[cm]?ts$/.test(path)))
  if (!Object.keys(code).some(path => /(?:^|\/)_generated\//.test(path)))
    throw new TypeError(`[vueuse-convex] ${caller}(): modules has no convex/_generated/ file, so your functions cannot be found. Generate it (npx vueuse-convex codegen) and glob it too: import.meta.glob(['./convex/**/*.*s', '!**/*.d.ts']).`)
  return code
}

/** The folder of the app's functions among `modules` keys: where `_generated/` is. */
export function convexRoot(modules: Record<string, unknown>): string {
  const generated = Object.keys(modules).find(path => path.includes('_generated'))
  return generated ? generated.split('_generated')[0] : ''
}

/** The `modules` key of the root file `name` (`crons`, `http`, `auth.config`), if the app has it. */
export function moduleKey(modules: Record<string, unknown>, name: string): string | undefined {
  const root = convexRoot(modules)
  const file = new RegExp(`^${name.replace('.', '\\.')}\\.[cm]?[jt]s$`)
  return Object.keys(modules).find(path => path.startsWith(root) && file.test(path.slice(root.length)))
}

/** The loaders of `modules` by module path (`messages`, `lib/util`), as udf paths name them. */
function modulesByPath(modules: Record<string, () => Promise<any>>): Map<string, { key: string, load: () => Promise<any> }> {
  const root = convexRoot(modules)
  const byPath = new Map<string, { key: string, load: () => Promise<any> }>()
  for (const [key, load] of Object.entries(modules)) {
    if (key.startsWith(root))
      byPath.set(key.slice(root.length).replace(/\.[^./]+$/, ''), { key, load })
  }
  return byPath
}

/** The error of a module that fails to load (a missing npm package), as a deployment's push reports it. */
function loadError(key: string, e: unknown): DeploymentError {
  const reason = e instanceof Error ? e.message : String(e)
  return new DeploymentError(`The module ${key.replace(/^(?:\.\.?\/)+/, '')} failed to load, so none of its functions can run (a deployment refuses to push it): ${reason}`, { cause: e })
}

/**
 * The function `udfPath` (`"module:export"`) of `modules`, loaded: `undefined` when there is no
 * such registered function; a {@link DeploymentError} with the import error when its module fails to load.
 */
export async function loadFunction(modules: Record<string, () => Promise<any>>, udfPath: string): Promise<RegisteredFunction | undefined> {
  const [modulePath, exportName = 'default'] = udfPath.split(':')
  const found = modulesByPath(modules).get(modulePath.replace(/\.js$/, ''))
  if (!found)
    return undefined
  let module: any
  try {
    module = await found.load()
  }
  catch (e) {
    throw loadError(found.key, e)
  }
  const fn = module?.[exportName]
  return fn && (fn.isQuery || fn.isMutation || fn.isAction) ? fn : undefined
}

/**
 * Checks the calls of clients against the app's modules (as convex-test takes them, with
 * their `_generated/` folder): returns a function that gives the kind of `udfPath` when it is
 * public (and of `kind`, when given), and otherwise throws a deployment's message; a promise of
 * either until the function's module has loaded.
 */
export function publicFunctions(
  modules: Record<string, () => Promise<any>>,
  /** Runs a module's loading in the backend's context, so that what it reads of `process.env` at load time is the backend's. */
  within: <T>(load: () => T) => T = load => load(),
): (udfPath: string, kind?: FunctionKind) => FunctionKind | Promise<FunctionKind> {
  const byModule = modulesByPath(modules)
  const loading = new Map<string, Promise<FunctionKind | null>>()
  // Once a module has loaded, its answer is given at once: every call asks, and an await
  // per call is a turn of the microtask queue for nothing.
  const known = new Map<string, FunctionKind | null>()

  function check(udfPath: string, actual: FunctionKind | null, kind?: FunctionKind): FunctionKind {
    if (!actual)
      throw new DeploymentError(`Could not find public function for '${udfPath}'. Did you forget to run npx convex dev or npx convex deploy?`)
    if (kind && actual !== kind)
      throw new DeploymentError(`Trying to execute ${udfPath} as ${KIND_NAMES[kind]}, but it is defined as ${KIND_NAMES[actual]}.`)
    return actual
  }

  return (udfPath, kind) => {
    if (known.has(udfPath))
      return check(udfPath, known.get(udfPath)!, kind)
    let found = loading.get(udfPath)
    if (!found) {
      const [modulePath, exportName = 'default'] = udfPath.split(':')
      const module = byModule.get(modulePath)
      // A module that fails to load is reported with its error (not as a missing function).
      found = (module
        ? within(module.load).then(loaded => kindOf(loaded?.[exportName]), (e) => {
            throw loadError(module.key, e)
          })
        : Promise.resolve(null))
        .then((actual) => {
          known.set(udfPath, actual)
          return actual
        })
      loading.set(udfPath, found)
    }
    return found.then(actual => check(udfPath, actual, kind))
  }
}
